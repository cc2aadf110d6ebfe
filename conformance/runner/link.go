package runner

import "strings"

// nextLink finds the target of the first rel="next" link in the Link
// header values (RFC 8288). A header the engine finds malformed may still
// yield a link here: the walk goes on where it safely can.
func nextLink(values []string) (string, bool) {
	for _, v := range values {
		for v != "" {
			v = strings.TrimLeft(v, " \t,")
			if !strings.HasPrefix(v, "<") {
				return "", false
			}
			end := strings.IndexByte(v, '>')
			if end < 0 {
				return "", false
			}
			target := v[1:end]
			v = v[end+1:]
			params := v
			if i := nextLinkValue(v); i >= 0 {
				params, v = v[:i], v[i:]
			} else {
				v = ""
			}
			if hasRel(params, "next") {
				return target, true
			}
		}
	}
	return "", false
}

// nextLinkValue returns the index of the comma ending the parameters of a
// link value, skipping commas inside quoted strings.
func nextLinkValue(s string) int {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if quoted {
				i++
			}
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				return i
			}
		}
	}
	return -1
}

func hasRel(params, rel string) bool {
	for _, p := range strings.Split(params, ";") {
		k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
			continue
		}
		val = strings.Trim(strings.TrimSpace(val), `"`)
		for _, r := range strings.Fields(val) {
			if strings.EqualFold(r, rel) {
				return true
			}
		}
	}
	return false
}
