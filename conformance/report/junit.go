package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/webex-conformance/webhooks/conformance"
)

// The JUnit XML elements that CI systems (Jenkins, GitLab, GitHub test
// reporters) read: testsuites > testsuite > testcase > failure|skipped.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr"`
	Time      string         `xml:"time,attr"`
	Failures  []junitFailure `xml:"failure"`
	Errors    []junitFailure `xml:"error"`
	Skipped   *junitSkipped  `xml:"skipped"`
	SystemOut string         `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// unmatchedSuite holds the cases that belong to no operation;
// outcomeSuite, first of all, the outcome of a report that is no pass
// and that its cases do not show as failed.
const (
	unmatchedSuite = "(no operation)"
	outcomeSuite   = "(outcome)"
	// resolvedSuite holds, as passing testcases, the findings of the
	// baseline that were not seen again.
	resolvedSuite = "(resolved since the baseline)"
)

// writeJUnit writes one testsuite per operation, in order of first
// appearance, and one testcase per case, passes included. A failing case
// has one failure holding every finding, ending with the case's curl
// command: viewers show one failure of a testcase, or confuse several.
func writeJUnit(w io.Writer, r *Report, scrub func(string) string) error {
	r = redacted(r, scrub)
	doc := junitSuites{Name: r.Tool}
	index := map[string]int{}
	oc, showOutcome := junitOutcome(r)
	if showOutcome {
		doc.Suites = append(doc.Suites, junitSuite{Name: outcomeSuite, Properties: junitProps(r, ""), Tests: 1, Cases: []junitCase{oc}})
		doc.Tests++
		if len(oc.Errors) > 0 {
			doc.Suites[0].Errors, doc.Errors = 1, 1
		} else {
			doc.Suites[0].Failures, doc.Failures = 1, 1
		}
		index[outcomeSuite] = 0
	}
	var total float64
	suiteTime := map[string]float64{}
	names := map[string]*uniqueNames{} // per suite
	for _, c := range r.Cases {
		name := c.Operation
		if name == "" {
			name = unmatchedSuite
		}
		i, ok := index[name]
		if !ok {
			i = len(doc.Suites)
			index[name] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: name, Properties: junitProps(r, name)})
		}
		s := &doc.Suites[i]
		if names[name] == nil {
			names[name] = &uniqueNames{}
		}
		jc := junitCase{Name: names[name].of(c.Name), Classname: r.Tool + "." + name, Time: seconds(c.DurationMS)}
		known := 0
		var failing []conformance.Finding
		for _, f := range c.Findings {
			if f.Severity == conformance.SeverityInfo {
				jc.SystemOut += findingTitle(f) + "\n"
				continue
			}
			// A known finding fails nothing: CI shows it beside the case,
			// not as a failure.
			if f.Baseline == conformance.BaselineKnown {
				jc.SystemOut += "known from the baseline: " + findingTitle(f) + "\n"
				known++
				continue
			}
			failing = append(failing, f)
		}
		switch {
		case len(failing) > 0:
			jc.Failures = []junitFailure{junitCaseFailure(c, failing)}
		case c.Verdict == VerdictFail && known == 0:
			// Failed without a finding of its own (a request that got no
			// answer): the viewer still needs the one failure to show.
			reason := oneLine(c.Reason)
			if reason == "" {
				reason = "the case failed"
			}
			jc.Failures = []junitFailure{{Message: reason, Type: "case", Text: reason + "\n" + reproduceLine(c)}}
		}
		if c.Curl != "" && len(jc.Failures) == 0 {
			jc.SystemOut += reproduceLine(c)
		}
		s.Tests++
		doc.Tests++
		switch {
		case c.Verdict == VerdictSkip:
			jc.Skipped = &junitSkipped{Message: c.Reason}
			s.Skipped++
			doc.Skipped++
		case len(jc.Failures) > 0:
			s.Failures++
			doc.Failures++
		}
		suiteTime[name] += c.DurationMS
		total += c.DurationMS
		s.Cases = append(s.Cases, jc)
	}
	for i := range doc.Suites {
		doc.Suites[i].Time = seconds(suiteTime[doc.Suites[i].Name])
		if r.baselined() {
			// New failures first: what a person has to look at.
			slices.SortStableFunc(doc.Suites[i].Cases, func(a, b junitCase) int {
				return min(len(b.Failures), 1) - min(len(a.Failures), 1)
			})
		}
	}
	if len(r.Resolved) > 0 {
		s := junitSuite{Name: resolvedSuite, Properties: junitProps(r, ""), Time: seconds(0)}
		resolvedNames := &uniqueNames{}
		for _, f := range r.Resolved {
			s.Cases = append(s.Cases, junitCase{Name: resolvedNames.of("resolved: " + place(f) + " " + findingTitle(f)),
				Classname: r.Tool + ".resolved", Time: seconds(0)})
		}
		s.Tests = len(s.Cases)
		doc.Tests += s.Tests
		doc.Suites = append(doc.Suites, s)
	}
	doc.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// uniqueNames keeps the testcase names of one suite apart: CI viewers key
// testcases by suite and name, and merge or drop the ones that share both
// (the suite cleans up two webhooks; a recording asks the same thing
// twice). A name seen before gets " (2)", " (3)", ... in order.
type uniqueNames struct {
	used map[string]bool
	seen map[string]int
}

func (u *uniqueNames) of(name string) string {
	if u.used == nil {
		u.used, u.seen = map[string]bool{}, map[string]int{}
	}
	u.seen[name]++
	out := name
	for n := max(u.seen[name], 2); u.used[out]; n++ {
		out = name + " (" + strconv.Itoa(n) + ")"
		u.seen[name] = n
	}
	u.used[out] = true
	return out
}

// junitOutcome is the testcase that shows a report's outcome to a CI
// viewer: an error for an untested or interrupted report, which a viewer
// shows red whatever the other cases say; for a nonconformant one, a
// failure, only if no case failed. A conformant report has none.
func junitOutcome(r *Report) (junitCase, bool) {
	jc := junitCase{Name: "outcome: " + string(r.Outcome), Classname: r.Tool + ".outcome", Time: seconds(0)}
	f := junitFailure{Message: oneLine(r.Reason), Type: string(r.Outcome), Text: oneLine(r.Reason) + "\n"}
	switch r.Outcome {
	case Untested, Interrupted:
		jc.Errors = []junitFailure{f}
	case Nonconformant:
		for _, c := range r.Cases {
			if c.Verdict == VerdictFail {
				return jc, false
			}
		}
		jc.Failures = []junitFailure{f}
	default:
		return jc, false
	}
	return jc, true
}

// junitProps are a suite's properties: the report's, its coverage's and,
// for an operation's suite, the operation's coverage.
func junitProps(r *Report, operation string) []junitProperty {
	props := []junitProperty{
		{"outcome", string(r.Outcome)},
		{"reason", r.Reason},
		{"version", r.Version},
		{"spec.title", r.Spec.Title},
		{"spec.version", r.Spec.Version},
		{"spec.sha256", r.Spec.SHA256},
	}
	if r.Target != "" {
		props = append(props, junitProperty{"target", r.Target})
	}
	if g := r.Generated; g != nil {
		props = append(props, junitProperty{"generate.seed", strconv.FormatUint(g.Seed, 10)},
			junitProperty{"generate.cases", strconv.Itoa(g.Cases)})
	}
	s := r.Summary()
	props = append(props, junitProperty{"judge", r.Judge.String()},
		junitProperty{"requests.errors", strconv.Itoa(s.Request.Errors)}, junitProperty{"requests.drift", strconv.Itoa(s.Request.Drift)},
		junitProperty{"responses.errors", strconv.Itoa(s.Response.Errors)}, junitProperty{"responses.drift", strconv.Itoa(s.Response.Drift)})
	return append(props, junitCoverageProps(r.Coverage, operation)...)
}

// findingTitle is the one-line form a CI summary shows.
func findingTitle(f conformance.Finding) string {
	return fmt.Sprintf("%s %s at %s: %s", f.Severity, f.Rule, pointerText(f.Pointer), oneLine(f.Message))
}

// junitCaseFailure is the one failure of a case: its message names the
// first finding and how many more there are, its type the rules, its text
// every finding and then the command that repeats the case.
func junitCaseFailure(c Case, fs []conformance.Finding) junitFailure {
	msg := findingTitle(fs[0])
	if len(fs) > 1 {
		msg = fmt.Sprintf("%d findings; first: %s", len(fs), msg)
	}
	var rules []string
	var text strings.Builder
	for i, f := range fs {
		if !slices.Contains(rules, f.Rule.ID()) {
			rules = append(rules, f.Rule.ID())
		}
		if i > 0 {
			text.WriteString("\n")
		}
		text.WriteString(findingBody(c, f))
	}
	if c.Curl != "" {
		text.WriteString("\n" + reproduceLine(c))
	}
	return junitFailure{Message: msg, Type: strings.Join(rules, " "), Text: text.String()}
}

func reproduceLine(c Case) string {
	if c.Curl == "" {
		return ""
	}
	return "reproduce: " + oneLine(c.Curl) + "\n"
}

func findingBody(c Case, f conformance.Finding) string {
	var b strings.Builder
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%-9s %s\n", k+":", v)
		}
	}
	line("rule", f.Rule.ID())
	line("severity", string(f.Severity))
	line("operation", f.Operation)
	if f.Status != 0 {
		line("status", strconv.Itoa(f.Status))
	} else if c.Status != 0 {
		line("status", strconv.Itoa(c.Status))
	}
	line("pointer", pointerText(f.Pointer))
	line("message", oneLine(f.Message))
	line("expected", oneLine(f.Expected))
	line("actual", oneLine(f.Actual))
	return b.String()
}

// seconds turns milliseconds into the seconds JUnit's time attribute holds.
func seconds(ms float64) string {
	return strconv.FormatFloat(ms/1000, 'f', 3, 64)
}
