package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
)

const lintHelp = `usage: conformance lint [--spec PATH] [--explain] [--max-input-bytes N]

Lists what is wrong with an OpenAPI 3.0 or 3.1 document itself: examples
and defaults that break their schemas, component names OpenAPI does not
allow, operationIds used twice, patterns that are not ECMA-262 regular
expressions, response keys that are not statuses, 3.0 keywords left in a
3.1 document (nullable, boolean exclusiveMinimum). The engine judges
traffic despite these; validate, run and proxy only count them.

--explain also lists, after the defects, every response schema the engine
judges on its slow path (the value decoded whole, then visited) rather than
in its single pass over the body, with the keywords that put it there:
where a spec is slow to judge, and what to rewrite.

Exit status: 0 no defects, 1 defects listed, 2 usage error or a document
that cannot be judged (unresolvable $ref, not OpenAPI 3.0 or 3.1).
`

// cmdLint implements `conformance lint`.
func cmdLint(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "lint")
	specPath := fs.String("spec", "", "lint the OpenAPI 3.0 or 3.1 document at `PATH` (default: the embedded Webex webhooks spec)")
	explain := fs.Bool("explain", false, "also list the response schemas judged on the slow path, and why")
	addMaxInputFlag(fs, e)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	eng, err := runEngine(ctx, e, *specPath, conformance.WithEagerCompile()) // every defect at once, as a whole load finds them
	if err != nil {
		return engineFailed(e, "lint", specErrLine(*specPath, err), err)
	}
	notes := eng.SpecNotes()
	for _, n := range notes {
		fmt.Fprintf(e.stdout, "%s\t%s\n", n.Rule, n.Message)
	}
	name := *specPath
	if name == "" {
		name = "the embedded spec"
	}
	if *explain {
		slow := eng.SlowSchemas()
		for _, s := range slow {
			fmt.Fprintf(e.stdout, "slow\t%s %s %s %s\t%s\n", s.Operation, s.Status, s.Media, pointerOrBody(s.Pointer), strings.Join(s.Keywords, ", "))
		}
		fmt.Fprintf(e.stderr, "conformance lint: %s: %d %s judged on the slow path\n", name, len(slow), plural(len(slow), "schema", "schemas"))
		share := eng.ResponsePathShare()
		if total := share.Fast + share.Slow; total > 0 {
			fmt.Fprintf(e.stderr, "conformance lint: %s: %d of %d response schemas (%.1f%%) on the fast path\n", name, share.Fast, total, 100*float64(share.Fast)/float64(total))
		}
	}
	if len(notes) == 0 {
		fmt.Fprintf(e.stderr, "conformance lint: %s: no defects\n", name)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "conformance lint: %s: %d %s\n", name, len(notes), plural(len(notes), "defect", "defects"))
	return exitFindings
}

// specErrLine is the one line a spec that cannot be judged gets.
func specErrLine(path string, err error) string {
	if path == "" {
		return runOneLine(err.Error())
	}
	return "--spec " + path + ": " + runOneLine(err.Error())
}

// noteSpecNotes says once, on stderr, how many defects the document has,
// so that validate, run and proxy users know lint has something to say.
func noteSpecNotes(e *env, cmd, path string, eng *conformance.Engine) {
	n := len(eng.SpecNotes())
	if n == 0 || path == "" {
		return
	}
	fmt.Fprintf(e.stderr, "conformance %s: the spec has %d %s (conformance lint --spec %s lists them)\n",
		cmd, n, plural(n, "defect", "defects"), path)
}

// pointerOrBody spells the body's own pointer "" as a reader expects it.
func pointerOrBody(p string) string {
	if p == "" {
		return "(body)"
	}
	return p
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
