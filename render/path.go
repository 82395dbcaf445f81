package render

import (
	"fmt"
	"strconv"
	"strings"
)

// Path is a parsed object path such as
// spec.template.spec.containers[name=web].securityContext,
// metadata.annotations["helm.sh/hook"] or rules[0].verbs[2].
type Path []Step

// Step is one step of a Path: a mapping key, a list index, or the list
// element whose field Match equals Value ([name=web]).
type Step struct {
	Key   string
	Index int // list index when >= 0 and Match == ""
	Match string
	Value string
	// IsKey is true for a mapping key step.
	IsKey bool
}

// String formats the path in its canonical form.
func (p Path) String() string {
	var b strings.Builder
	for i, s := range p {
		switch {
		case s.IsKey && needsQuote(s.Key):
			b.WriteString("[" + strconv.Quote(s.Key) + "]")
		case s.IsKey:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Key)
		case s.Match != "":
			b.WriteString("[" + s.Match + "=" + s.Value + "]")
		default:
			b.WriteString("[" + strconv.Itoa(s.Index) + "]")
		}
	}
	return b.String()
}

func needsQuote(k string) bool {
	return k == "" || strings.ContainsAny(k, ".[]=\" ")
}

func (p Path) with(s Step) Path {
	q := make(Path, len(p), len(p)+1)
	copy(q, p)
	return append(q, s)
}

// Key returns p extended with a mapping key.
func (p Path) Key(k string) Path { return p.with(Step{Key: k, IsKey: true}) }

// Index returns p extended with a list index.
func (p Path) Index(i int) Path { return p.with(Step{Index: i}) }

// Where returns p extended with a list element selector ([k=v]).
func (p Path) Where(k, v string) Path { return p.with(Step{Match: k, Value: v, Index: -1}) }

// ParsePath parses the canonical path syntax produced by Path.String.
func ParsePath(s string) (Path, error) {
	var p Path
	i := 0
	for i < len(s) {
		switch c := s[i]; {
		case c == '.':
			if i == 0 || i == len(s)-1 || s[i+1] == '.' || s[i+1] == '[' {
				return nil, fmt.Errorf("path %q: misplaced dot at %d", s, i)
			}
			i++
		case c == '[' && i+1 < len(s) && s[i+1] == '"':
			j := i + 2
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j+1 >= len(s) || s[j+1] != ']' {
				return nil, fmt.Errorf("path %q: unterminated quoted key", s)
			}
			k, err := strconv.Unquote(s[i+1 : j+1])
			if err != nil {
				return nil, fmt.Errorf("path %q: %v", s, err)
			}
			p = append(p, Step{Key: k, IsKey: true})
			i = j + 2
		case c == '[':
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("path %q: unterminated selector", s)
			}
			sel := s[i+1 : i+j]
			if k, v, ok := strings.Cut(sel, "="); ok && k != "" {
				p = append(p, Step{Match: k, Value: v, Index: -1})
			} else {
				n, err := strconv.Atoi(sel)
				if err != nil || n < 0 {
					return nil, fmt.Errorf("path %q: bad selector [%s]", s, sel)
				}
				p = append(p, Step{Index: n})
			}
			i += j + 1
		default:
			j := i
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			p = append(p, Step{Key: s[i:j], IsKey: true})
			i = j
		}
	}
	return p, nil
}

// MustPath parses a path literal that is known to be valid.
func MustPath(s string) Path {
	p, err := ParsePath(s)
	if err != nil {
		panic(err)
	}
	return p
}
