package mock

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Fault makes a share of the requests fail or wait. A status fault answers
// Rate of the requests with Status and a Webex error body instead of serving
// them (they change nothing); a latency fault (Status 0) delays Rate of the
// requests by Latency before they are served.
type Fault struct {
	// Status is the error status to answer: one the spec documents for every
	// operation (400, 401, 403, 404, 405, 409, 410, 415, 423, 428, 429, 500,
	// 502, 503, 504), or 0 for a latency fault.
	Status int
	// Rate is the share of requests hit, in (0, 1].
	Rate float64
	// RetryAfter is the Retry-After of a 429 or 423 answer, rounded up to
	// whole seconds; zero sends "Retry-After: 0" (retry at once). ParseFault
	// makes it 1 s unless the spec says otherwise.
	RetryAfter time.Duration
	// Latency is the delay of a latency fault.
	Latency time.Duration
}

// faultStatuses are the error statuses every operation documents, so a
// faulted answer still passes the conformance engine.
var faultStatuses = map[int]bool{
	400: true, 401: true, 403: true, 404: true, 405: true, 409: true, 410: true,
	415: true, 423: true, 428: true, 429: true, 500: true, 502: true, 503: true, 504: true,
}

// ParseFault reads a fault as the --fault flag of `conformance serve` takes
// it:
//
//	429:0.2      answer 20% of the requests 429 with Retry-After: 1
//	429:0.2:30   the same with Retry-After: 30
//	503:0.1      answer 10% of the requests 503 (likewise 500, 502, 504, ...)
//	latency:50ms delay every request by 50 ms
//	latency:1s:0.1 delay 10% of the requests by 1 s
func ParseFault(spec string) (Fault, error) {
	parts := strings.Split(spec, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return Fault{}, fmt.Errorf("fault %q: want STATUS:RATE[:RETRY_AFTER_SECONDS] or latency:DURATION[:RATE]", spec)
	}
	if parts[0] == "latency" {
		d, err := time.ParseDuration(parts[1])
		if err != nil || d < 0 {
			return Fault{}, fmt.Errorf("fault %q: latency %q is not a duration such as 50ms", spec, parts[1])
		}
		f := Fault{Latency: d, Rate: 1}
		if len(parts) == 3 {
			if f.Rate, err = parseRate(parts[2]); err != nil {
				return Fault{}, fmt.Errorf("fault %q: %w", spec, err)
			}
		}
		return f, f.validate()
	}
	status, err := strconv.Atoi(parts[0])
	if err != nil {
		return Fault{}, fmt.Errorf("fault %q: %q is neither an HTTP status nor latency", spec, parts[0])
	}
	f := Fault{Status: status, RetryAfter: defaultRetryAfter}
	if f.Rate, err = parseRate(parts[1]); err != nil {
		return Fault{}, fmt.Errorf("fault %q: %w", spec, err)
	}
	if len(parts) == 3 {
		secs, err := strconv.Atoi(parts[2])
		if err != nil || secs < 0 || secs > 86400 {
			return Fault{}, fmt.Errorf("fault %q: Retry-After %q is not a whole number of seconds from 0 to 86400", spec, parts[2])
		}
		f.RetryAfter = time.Duration(secs) * time.Second
	}
	if err := f.validate(); err != nil {
		return Fault{}, fmt.Errorf("fault %q: %w", spec, err)
	}
	return f, nil
}

// MustParseFault is ParseFault for literals known to be valid; it panics on
// an error.
func MustParseFault(spec string) Fault {
	f, err := ParseFault(spec)
	if err != nil {
		panic("mock: " + err.Error())
	}
	return f
}

func parseRate(s string) (float64, error) {
	r, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(r) || r <= 0 || r > 1 {
		return 0, fmt.Errorf("rate %q is not a share in (0, 1], such as 0.2", s)
	}
	return r, nil
}

func (f Fault) validate() error {
	if math.IsNaN(f.Rate) || f.Rate <= 0 || f.Rate > 1 {
		return fmt.Errorf("rate %v is not a share in (0, 1]", f.Rate)
	}
	if f.Status == 0 {
		if f.Latency <= 0 {
			return fmt.Errorf("a fault needs an error status or a positive latency")
		}
		return nil
	}
	if f.Latency != 0 {
		return fmt.Errorf("a fault has either a status or a latency, not both")
	}
	if !faultStatuses[f.Status] {
		return fmt.Errorf("status %d is not an error status the spec documents (400 401 403 404 405 409 410 415 423 428 429 500 502 503 504)", f.Status)
	}
	if f.RetryAfter < 0 {
		return fmt.Errorf("negative Retry-After")
	}
	return nil
}

const defaultRetryAfter = time.Second

// retryAfterSeconds is the Retry-After header value of a status fault.
func (f Fault) retryAfterSeconds() string {
	return strconv.FormatInt(int64(math.Ceil(f.RetryAfter.Seconds())), 10)
}

// String gives the fault back in ParseFault's syntax.
func (f Fault) String() string {
	if f.Status == 0 {
		if f.Rate == 1 {
			return "latency:" + f.Latency.String()
		}
		return "latency:" + f.Latency.String() + ":" + strconv.FormatFloat(f.Rate, 'g', -1, 64)
	}
	s := strconv.Itoa(f.Status) + ":" + strconv.FormatFloat(f.Rate, 'g', -1, 64)
	if f.RetryAfter != defaultRetryAfter {
		s += ":" + f.retryAfterSeconds()
	}
	return s
}
