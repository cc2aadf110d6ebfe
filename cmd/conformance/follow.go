package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/webex-conformance/webhooks/api"
	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/follow"
	"github.com/webex-conformance/webhooks/internal/udiff"
)

const followHelp = `usage: conformance follow --report R.json [--spec PATH] (--output NEW.yaml | --diff) [--max-input-bytes N]

Amends the spec for the drift in a JSON report (run, validate or proxy
with --format json): each enum value the API sent that the spec lacks is
added to the enum of the schema that declares it, each undocumented
property is declared in its object schema with the JSON type seen and a
description of when and where it was seen (the date is today's: reports
carry none, and the nightly job follows its report the night it is made).
The rest of the file stays byte for byte as it was. Following the same
report twice changes nothing.

Findings of severity error, and drift that cannot be placed in the spec,
are not followed: stderr lists them as needing a person. Nor is a value the
run sent on purpose as invalid (the report's probes, such as an unknown
resource): a target that accepted and echoed it is the run's behavior.*
error, not the API's vocabulary.

--output writes the amended spec (it may be the --spec file itself);
--diff writes a unified diff on stdout instead, for git apply or patch -p1.

Exit status: 0 followed (also when nothing was left to follow), 2 usage or
input error (unreadable or broken report or spec).
`

// followNow is the clock the descriptions' dates come from.
var followNow = time.Now

// defaultSpecName is where the embedded spec lives in this repository,
// which is what a diff of it should name.
const defaultSpecName = "api/openapi.yaml"

// cmdFollow implements `conformance follow`.
func cmdFollow(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "follow")
	reportPath := fs.String("report", "", "the JSON report whose drift to follow (`R.json`)")
	specPath := fs.String("spec", "", "amend the OpenAPI document at `PATH` (default: the embedded spec, named "+defaultSpecName+")")
	output := fs.String("output", "", "write the amended spec to `NEW.yaml`")
	diff := fs.Bool("diff", false, "write a unified diff of the amendment on stdout instead")
	addMaxInputFlag(fs, e)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	switch {
	case *reportPath == "":
		return usageErr(e, "follow: --report is required")
	case *output == "" && !*diff:
		return usageErr(e, "follow: give --output NEW.yaml or --diff")
	case *output != "" && *diff:
		return usageErr(e, "follow: give --output or --diff, not both")
	}
	rep, err := readReportFlag(e, "report", *reportPath)
	if err != nil {
		return usageErr(e, "follow: %s", err)
	}
	spec, name := api.Spec, defaultSpecName
	if *specPath != "" {
		if spec, err = readInput(e, *specPath); err != nil {
			return usageErr(e, "follow: --spec %s", runOneLine(err.Error()))
		}
		name = filepath.ToSlash(filepath.Clean(*specPath))
	}
	if w := specMismatch(rep.Spec, spec, name); w != "" {
		fmt.Fprintf(e.stderr, "conformance follow: warning: %s\n", w)
	}

	var findings []conformance.Finding
	for _, c := range rep.Cases {
		findings = append(findings, c.Findings...)
	}
	res, err := follow.Follow(spec, findings,
		follow.WithObserved(followNow().UTC().Format(time.DateOnly)), follow.WithTarget(rep.Target), follow.WithProbes(rep.Probes...))
	if err != nil {
		return usageErr(e, "follow: %s: %s", name, runOneLine(err.Error()))
	}
	if len(res.Changes) > 0 {
		// The amendment must still be a spec the engine can judge by.
		if _, err := loadEngine(ctx, func() (*conformance.Engine, error) {
			return conformance.New(res.Spec, conformance.WithMaxSpecBytes(int64(len(res.Spec))))
		}); err != nil {
			return engineFailed(e, "follow", "the amended spec does not load: "+runOneLine(err.Error()), err)
		}
	}
	followSummary(e, name, res)

	if *diff {
		_, err = e.stdout.Write(udiff.Unified(diffLabel("a", name), diffLabel("b", name), spec, res.Spec))
	} else {
		err = writeFileAtomic(*output, func(w io.Writer) error {
			_, err := w.Write(res.Spec)
			return err
		})
	}
	if err != nil {
		return usageErr(e, "follow: %s", runOneLine(err.Error()))
	}
	return exitOK
}

// followSummary tells on stderr what was added and what needs a person,
// each distinct finding once.
func followSummary(e *env, name string, res *follow.Result) {
	// What a report says came from the network: escaped, line by line.
	safe := *e
	safe.stderr = redactingWriter{w: e.stderr}
	e = &safe
	for _, c := range res.Changes {
		switch c.Kind {
		case follow.KindEnumValue:
			fmt.Fprintf(e.stderr, "conformance follow: %s: enum value %s added to %s\n", name, c.Value, c.Schema)
		case follow.KindProperty:
			fmt.Fprintf(e.stderr, "conformance follow: %s: property %s (%s) declared in %s\n", name, c.Value, c.Type, c.Schema)
		}
	}
	if res.Already > 0 {
		fmt.Fprintf(e.stderr, "conformance follow: %d drift %s documented already\n", res.Already, plural(res.Already, "finding is", "findings are"))
	}
	seen := map[string]bool{}
	for _, u := range res.NeedsPerson {
		f := u.Finding
		if seen[f.Identity()] {
			continue
		}
		seen[f.Identity()] = true
		fmt.Fprintf(e.stderr, "conformance follow: needs a person: %s %s %s %d %s: %s (%s)\n",
			f.Severity, f.Rule, f.Operation, f.Status, conformance.FoldPointer(f.Pointer), runOneLine(f.Message), runOneLine(u.Reason))
	}
	for _, u := range res.Probes {
		f := u.Finding
		if seen[f.Identity()] {
			continue
		}
		seen[f.Identity()] = true
		fmt.Fprintf(e.stderr, "conformance follow: not followed: %s %s %d %s %s: %s\n",
			f.Rule, f.Operation, f.Status, conformance.FoldPointer(f.Pointer), runOneLine(f.Actual), runOneLine(u.Reason))
	}
	if len(res.Changes) == 0 && len(res.NeedsPerson) == 0 {
		fmt.Fprintf(e.stderr, "conformance follow: %s: nothing left to follow\n", name)
	}
}

// diffLabel is side/path, as git labels the two sides of a diff; an
// absolute path too gets a single slash after the side.
func diffLabel(side, path string) string {
	return side + "/" + strings.TrimPrefix(path, "/")
}

// specMismatch says how the spec a report was judged by differs from the
// spec being amended, or "" when they are the same document: a version
// apart, or the same title and version with other content (a hand edit, a
// spec followed since).
func specMismatch(judged conformance.SpecInfo, spec []byte, name string) string {
	sum := sha256.Sum256(spec)
	hash := hex.EncodeToString(sum[:])
	if judged.SHA256 == "" || judged.SHA256 == hash {
		return ""
	}
	var doc struct {
		Info struct {
			Title   string `yaml:"title"`
			Version string `yaml:"version"`
		} `yaml:"info"`
	}
	_ = yaml.Unmarshal(spec, &doc) // a spec that does not parse fails later, with its own error
	short := func(h string) string { return h[:min(12, len(h))] }
	was := strings.TrimSpace(judged.Title + " " + judged.Version)
	is := strings.TrimSpace(doc.Info.Title + " " + doc.Info.Version)
	if was == is {
		return fmt.Sprintf("the report was judged by %s (sha256 %s), and %s has the same title and version with other content (sha256 %s); following it all the same",
			orUnnamed(was), short(judged.SHA256), name, short(hash))
	}
	return fmt.Sprintf("the report was judged by %s (sha256 %s), and %s is %s (sha256 %s); following it all the same",
		orUnnamed(was), short(judged.SHA256), name, orUnnamed(is), short(hash))
}

func orUnnamed(s string) string {
	if s == "" {
		return "an unnamed spec"
	}
	return s
}
