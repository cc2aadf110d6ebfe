package conformance

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/webex-conformance/webhooks/internal/jsonlex"
)

// OpenAPI 3.0 patterns are ECMA-262 regular expressions; Go's RE2 syntax
// differs in a few places that change verdicts: \s and . have other
// character sets, and \cX, [^] and [] are ECMA only. translateECMA
// rewrites those; what RE2 cannot express (lookaround, backreferences) is a
// compile error, reported as a spec note.

// ecmaSpace is ECMA-262's WhiteSpace and LineTerminator, the set \s matches.
const ecmaSpace = `\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`

func translateECMA(p string) (string, error) {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			i++
			switch e := p[i]; e {
			case 's':
				if inClass {
					b.WriteString(ecmaSpace)
				} else {
					b.WriteString("[" + ecmaSpace + "]")
				}
			case 'S':
				if inClass {
					return "", fmt.Errorf(`\S inside a character class is not supported`)
				}
				b.WriteString("[^" + ecmaSpace + "]")
			case 'c':
				if i+1 < len(p) && (p[i+1]|0x20) >= 'a' && (p[i+1]|0x20) <= 'z' {
					i++
					fmt.Fprintf(&b, `\x{%x}`, p[i]%32)
				} else {
					b.WriteString(`\\c`) // ECMA: a literal backslash and c
				}
			case 'u':
				if i+4 < len(p) && isHexString(p[i+1:i+5]) {
					b.WriteString(`\x{` + p[i+1:i+5] + `}`)
					i += 4
				} else {
					b.WriteString("u")
				}
			case '0':
				if i+1 < len(p) && digit(p[i+1]) {
					return "", fmt.Errorf("octal escapes are not supported")
				}
				b.WriteString(`\x00`)
			case 'p', 'P':
				// A Unicode property: ECMA-262 spells general categories
				// long (Letter, digit) where RE2 knows L and Nd.
				if i+1 < len(p) && p[i+1] == '{' {
					if end := strings.IndexByte(p[i:], '}'); end > 0 {
						b.WriteString(`\` + string(e) + "{" + unicodeProperty(p[i+2:i+end]) + "}")
						i += end
						continue
					}
				}
				b.WriteByte('\\')
				b.WriteByte(e)
			case 'd', 'D', 'w', 'W', 'b', 'B', 't', 'n', 'v', 'f', 'r', 'x':
				b.WriteByte('\\')
				b.WriteByte(e)
			default:
				if digit(e) {
					return "", fmt.Errorf("backreference \\%c is not supported", e)
				}
				if e < 0x80 && !isAlnum(e) {
					b.WriteByte('\\')
					b.WriteByte(e)
				} else {
					// ECMA (without the u flag) reads an unknown
					// escape as the character itself.
					b.WriteString(regexp.QuoteMeta(string(e)))
				}
			}
		case inClass:
			if c == ']' {
				inClass = false
			}
			b.WriteByte(c)
		case c == '[':
			switch {
			case strings.HasPrefix(p[i:], "[^]"):
				b.WriteString(`[\x{0}-\x{10FFFF}]`)
				i += 2
			case strings.HasPrefix(p[i:], "[]"):
				b.WriteString(`[^\x{0}-\x{10FFFF}]`)
				i++
			default:
				inClass = true
				b.WriteByte(c)
				if strings.HasPrefix(p[i+1:], "^") {
					b.WriteByte('^')
					i++
				}
				if strings.HasPrefix(p[i+1:], "]") {
					// A ] first in an ECMA class closes it; RE2 would
					// read it as a literal. [] and [^] were handled.
					inClass = false
				}
			}
		case c == '.':
			b.WriteString(`[^\n\r\x{2028}\x{2029}]`)
		case strings.HasPrefix(p[i:], "(?=") || strings.HasPrefix(p[i:], "(?!") ||
			strings.HasPrefix(p[i:], "(?<=") || strings.HasPrefix(p[i:], "(?<!"):
			return "", fmt.Errorf("lookaround is not supported")
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func isHexString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !jsonlex.IsHex(s[i]) {
			return false
		}
	}
	return true
}

// ecmaCategories maps ECMA-262's long general category names (and their
// aliases) to RE2's.
var ecmaCategories = map[string]string{
	"Letter": "L", "Cased_Letter": "L", "Lowercase_Letter": "Ll", "Uppercase_Letter": "Lu", "Titlecase_Letter": "Lt",
	"Modifier_Letter": "Lm", "Other_Letter": "Lo", "Mark": "M", "Combining_Mark": "M", "Nonspacing_Mark": "Mn",
	"Spacing_Mark": "Mc", "Enclosing_Mark": "Me", "Number": "N", "Decimal_Number": "Nd", "digit": "Nd",
	"Letter_Number": "Nl", "Other_Number": "No", "Punctuation": "P", "punct": "P", "Connector_Punctuation": "Pc",
	"Dash_Punctuation": "Pd", "Open_Punctuation": "Ps", "Close_Punctuation": "Pe", "Initial_Punctuation": "Pi",
	"Final_Punctuation": "Pf", "Other_Punctuation": "Po", "Symbol": "S", "Math_Symbol": "Sm", "Currency_Symbol": "Sc",
	"Modifier_Symbol": "Sk", "Other_Symbol": "So", "Separator": "Z", "Space_Separator": "Zs", "Line_Separator": "Zl",
	"Paragraph_Separator": "Zp", "Other": "C", "Control": "Cc", "cntrl": "Cc", "Format": "Cf", "Surrogate": "Cs",
	"Private_Use": "Co",
}

// unicodeProperty turns an ECMA-262 property name (Letter, gc=Lu,
// Script=Greek) into RE2's; a name it does not know is kept, and RE2
// refuses it if it is none of its own.
func unicodeProperty(name string) string {
	if k, v, ok := strings.Cut(name, "="); ok {
		switch k {
		case "General_Category", "gc", "Script", "sc", "Script_Extensions", "scx":
			name = v
		}
	}
	if short, ok := ecmaCategories[name]; ok {
		return short
	}
	return name
}

var ecmaCache sync.Map // pattern -> *regexp.Regexp or error

// ecmaRegexp compiles an ECMA-262 pattern (as OpenAPI 3.0 requires) for
// Go, once per distinct pattern.
func ecmaRegexp(p string) (*regexp.Regexp, error) {
	if v, ok := ecmaCache.Load(p); ok {
		if err, bad := v.(error); bad {
			return nil, err
		}
		return v.(*regexp.Regexp), nil
	}
	re, err := compileECMAUncached(p)
	if err != nil {
		ecmaCache.Store(p, err)
		return nil, err
	}
	ecmaCache.Store(p, re)
	return re, nil
}

func compileECMAUncached(p string) (*regexp.Regexp, error) {
	t, err := translateECMA(p)
	if err != nil {
		return nil, fmt.Errorf("pattern %s: %w", strconv.Quote(p), err)
	}
	re, err := regexp.Compile(t)
	if err != nil {
		return nil, fmt.Errorf("pattern %s: %w", strconv.Quote(p), err)
	}
	return re, nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || digit(c)
}
