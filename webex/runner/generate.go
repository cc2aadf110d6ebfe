package runner

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/webex-conformance/webhooks/conformance"
	"github.com/webex-conformance/webhooks/conformance/generate"
	"github.com/webex-conformance/webhooks/conformance/report"
	"github.com/webex-conformance/webhooks/webex"
)

// shrinkBudget bounds the requests spent making one failing generated
// request smaller.
const shrinkBudget = 24

// generated sends WithGenerate's requests drawn from the spec, judges
// each (the engine judges the answer, generate.Judge the behaviour),
// shrinks a failing one and records it as a case.
func (r *runner) generated(ctx context.Context) error {
	opts := []generate.Option{generate.WithSeed(r.seed()), generate.WithWrites(r.cfg.AllowWrites)}
	if r.webex {
		opts = append(opts, generate.WithValues(r.webexValue))
	}
	g, err := generate.New(r.eng, opts...)
	if err != nil {
		return &UntestableError{Reason: "cannot generate requests", Err: err}
	}
	r.gen = g
	info := &report.Generated{Seed: r.seed(), Requested: r.cfg.Generate}
	r.report.Generated = info
	for range r.cfg.Generate {
		req := g.Next()
		if req == nil {
			break
		}
		res, err := r.sendGenerated(ctx, req)
		info.Sent++
		if err != nil {
			return err
		}
		info.Cases++
		verdict, f := generate.Judge(req, res.status)
		shrunk := false
		if verdict == generate.Broken {
			g.Found(req)
			small, _, err := g.Shrink(ctx, req, shrinkBudget, func(cand *generate.Request) (bool, error) {
				cres, err := r.sendGenerated(ctx, cand)
				info.Sent++
				if err != nil {
					return false, err
				}
				if v, cf := generate.Judge(cand, cres.status); v == generate.Broken {
					res, f = cres, cf
					return true, nil
				}
				return false, nil
			})
			if err != nil {
				return err
			}
			shrunk = small != req
			req = small
		}
		var extra []conformance.Finding
		if f != nil {
			if shrunk {
				f.Message += " (shrunk from the request as drawn)"
			}
			if f.Rule == generate.RuleInvalidAccepted || f.Rule == generate.RuleValidRefused {
				f.Message += fmt.Sprintf("; seed %d", r.seed())
			}
			extra = append(extra, *f)
		}
		r.record(generatedCall(req), res, extra...)
	}
	return nil
}

func (r *runner) seed() uint64 {
	if r.cfg.Seed == 0 {
		return 1
	}
	return r.cfg.Seed
}

func generatedCall(req *generate.Request) call {
	c := call{name: req.Name(), op: req.Operation, method: req.Method, path: req.Path, query: req.Query, body: req.Body, template: req.PathTemplate}
	if len(req.Header) > 0 {
		c.header = req.Header.Clone()
		c.contentType = c.header.Get("Content-Type")
		c.header.Del("Content-Type")
		if len(c.header) == 0 {
			c.header = nil
		}
	}
	if c.body != nil && c.contentType == "" {
		// A defect that drops the media type still sends the body.
		c.contentType = "application/json"
	}
	return c
}

// sendGenerated sends one generated request, keeps track of what it
// made, deleted or listed, and returns the answer.
func (r *runner) sendGenerated(ctx context.Context, req *generate.Request) (*result, error) {
	c := generatedCall(req)
	var res *result
	var err error
	switch req.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		if r.webex {
			res, err = r.doWrite(ctx, c)
		} else {
			res, err = r.do(ctx, c)
		}
	default:
		res, err = r.do(ctx, c)
	}
	if err != nil {
		return nil, err
	}
	r.gen.Observe(req, res.status, res.body)
	if !r.webex || !is2xx(res.status) {
		return res, nil
	}
	switch req.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		// Whatever a 2xx write hands back, valid or not, must go again.
		r.trackIf(res)
	case http.MethodDelete:
		if id, err := url.PathUnescape(lastSegment(req.Path)); err == nil {
			if _, ok := r.created[id]; ok {
				r.forget(id)
				r.deleted[id] = true
			}
		}
	}
	return res, nil
}

func lastSegment(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}

// webexValue gives the generated requests of the Webex webhooks API what
// the suite's own requests have: a name with the run's prefix, the run's
// target URL (which delivers nowhere) and one secret of the run, known to
// the redactor. A filter is left out: which filters the service takes
// depends on the resource, which its schema cannot say.
func (r *runner) webexValue(op, where string) (any, bool) {
	if op != opCreate && op != opUpdate {
		return nil, false
	}
	switch where {
	case "/name":
		return r.prefix() + "generated", true
	case "/targetUrl":
		return r.runTargetURL() + "/generated", true
	case "/secret":
		return r.generatedSecret(), true
	case "/filter":
		return generate.Omit, true
	}
	return nil, false
}

// generatedSecret is the secret of the run's generated webhooks, the same
// for a run id and seed, so that the same seed sends the same requests.
func (r *runner) generatedSecret() string {
	s := "g" + r.cfg.RunID + strconv.FormatUint(r.seed(), 16)
	for _, known := range r.secrets {
		if known == s {
			return s
		}
	}
	r.secrets = append(r.secrets, s)
	return s
}

// cleanupGenerated deletes, through the spec's own delete operations,
// what the generated requests made on an API other than Webex's; what it
// cannot delete is recorded as a failing case with its command.
func (r *runner) cleanupGenerated() {
	if r.gen == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	for _, req := range r.gen.Created() {
		c := call{name: "clean up what a generated request made", op: req.Operation, method: req.Method, path: req.Path, query: req.Query, template: req.PathTemplate}
		res, err := r.do(ctx, c)
		if err != nil {
			r.skip(c.name, c.op, c.method, "cleanup failed: "+r.redact(err.Error()))
			r.leftBehind = append(r.leftBehind, report.LeftBehind{ID: r.redact(req.Path)})
			continue
		}
		r.gen.Observe(req, res.status, res.body)
		var extra []conformance.Finding
		if !is2xx(res.status) && res.status != http.StatusNotFound {
			f := conformance.NewFinding(webex.RuleBehaviorLeftBehind, "",
				fmt.Sprintf("the run could not delete %s, which a generated request made; delete it with the command below", req.Path), "2xx", strconv.Itoa(res.status))
			extra = append(extra, f)
			r.leftBehind = append(r.leftBehind, report.LeftBehind{ID: r.redact(req.Path)})
		}
		r.record(c, res, extra...)
	}
}
