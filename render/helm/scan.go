package helm

import (
	"strings"

	"github.com/prodlint/prodlint/render"
)

// scanner is the trim-and-scan fallback: the lines of a template whose
// actions are blanked with spaces (so that lines and columns are kept),
// searched by indentation, because blanked templates are rarely valid YAML.
type scanner []string

// block is a range of lines [lo, hi) below a key or inside a list item.
type block struct{ lo, hi int }

// locate returns the 1-based template line of path p in the ordinal-th
// document of the given kind, and the key or value text on it, or 0.
func (s scanner) locate(kind string, ordinal int, p render.Path) (int, string) {
	kindLine, doc, ok := s.document(kind, ordinal)
	if !ok {
		return 0, ""
	}
	best, bestKey, onSpine := kindLine, "kind", true
	cur := doc
	for _, st := range p {
		switch {
		case st.IsKey:
			i := s.findKey(cur, st.Key)
			if i < 0 {
				if onSpine {
					return kindLine + 1, "kind"
				}
				return best + 1, bestKey
			}
			best, bestKey, onSpine = i, st.Key, render.IsSpine(st.Key)
			cur = s.below(i)
		case st.Match != "":
			item, line := s.matchItem(cur, st.Match, st.Value)
			if item.lo < 0 {
				return best + 1, bestKey
			}
			best, bestKey, onSpine, cur = line, st.Match, false, item
		default:
			items := s.items(cur)
			if st.Index >= len(items) {
				return best + 1, bestKey
			}
			best, bestKey, onSpine, cur = items[st.Index].lo, "", false, items[st.Index]
		}
	}
	return best + 1, bestKey
}

// document finds the ordinal-th document ("---" separated) whose kind line
// names kind (or is templated away), and returns its kind line and lines.
func (s scanner) document(kind string, ordinal int) (int, block, bool) {
	type cand struct {
		kindLine int
		b        block
	}
	var exact, templated []cand
	lo := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && !strings.HasPrefix(s[i], "---") {
			continue
		}
		b := block{lo, i}
		for j := lo; j < i; j++ {
			if v, ok := strings.CutPrefix(s[j], "kind:"); ok {
				switch unquote(v) {
				case kind:
					exact = append(exact, cand{j, b})
				case "":
					templated = append(templated, cand{j, b})
				}
				break
			}
		}
		lo = i + 1
	}
	var c cand
	switch {
	case ordinal < len(exact):
		c = exact[ordinal]
	case len(exact) > 0:
		c = exact[len(exact)-1] // documents made by a range share their source
	case len(templated) > 0:
		c = templated[min(ordinal, len(templated)-1)]
	default:
		return 0, block{}, false
	}
	return c.kindLine, c.b, true
}

// contentCol returns the column of the content of a line after its indent
// and list dashes ("  - name: x" gives 4), and whether the line is blank.
func contentCol(line string) (int, bool) {
	i := 0
	for i < len(line) {
		switch {
		case line[i] == ' ' || line[i] == '\t':
			i++
		case line[i] == '-' && (i+1 == len(line) || line[i+1] == ' '):
			i++
		default:
			return i, strings.HasPrefix(line[i:], "#")
		}
	}
	return i, true
}

// indent returns the number of leading blanks of a line.
func indent(line string) int {
	return len(line) - len(strings.TrimLeft(line, " \t"))
}

// isItem reports whether a line starts a list item.
func isItem(line string) bool {
	t := strings.TrimLeft(line, " \t")
	return t == "-" || strings.HasPrefix(t, "- ")
}

// findKey returns the line of key among the direct children of block b
// (the keys at the smallest content column), or -1.
func (s scanner) findKey(b block, key string) int {
	col := -1
	for i := b.lo; i < b.hi && i < len(s); i++ {
		if c, blank := contentCol(s[i]); !blank && (col < 0 || c < col) {
			col = c
		}
	}
	for i := b.lo; i < b.hi && i < len(s); i++ {
		if c, blank := contentCol(s[i]); !blank && c == col && keyOf(s[i][c:]) == key {
			return i
		}
	}
	return -1
}

// keyOf returns the mapping key that starts text ("name: x" gives name).
func keyOf(text string) string {
	k, _, ok := strings.Cut(text, ":")
	if !ok {
		return ""
	}
	return unquote(k)
}

// valueOf returns the scalar after the key of a line ("- name: web" gives web).
func valueOf(line string) string {
	c, _ := contentCol(line)
	_, v, _ := strings.Cut(line[c:], ":")
	return unquote(v)
}

func unquote(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.Index(v, " #"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
		v = v[1 : len(v)-1]
	}
	return v
}

// below returns the lines nested below line i: up to the next non-blank line
// indented as much as line i's key or less, list items at the key's own
// indent included (YAML allows "key:\n- item").
func (s scanner) below(i int) block {
	col, _ := contentCol(s[i])
	j := i + 1
	for ; j < len(s); j++ {
		if _, blank := contentCol(s[j]); blank {
			continue
		}
		if ind := indent(s[j]); ind < col || ind == col && !isItem(s[j]) {
			break
		}
	}
	return block{i + 1, j}
}

// items returns the list items of block b: the item lines at the first
// item's indent, each up to the next one.
func (s scanner) items(b block) []block {
	ind := -1
	var starts []int
	for i := b.lo; i < b.hi && i < len(s); i++ {
		if !isItem(s[i]) {
			continue
		}
		if ind < 0 {
			ind = indent(s[i])
		}
		if indent(s[i]) == ind {
			starts = append(starts, i)
		}
	}
	out := make([]block, len(starts))
	for k, st := range starts {
		end := b.hi
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		out[k] = block{st, end}
	}
	return out
}

// matchItem returns the list item of b whose field key is value, and the
// line of that field. A templated (blanked) value cannot be compared, so a
// single item, or the only item with a blank value, is taken as the match.
func (s scanner) matchItem(b block, key, value string) (block, int) {
	var blanks []int
	items := s.items(b)
	for k, it := range items {
		i := s.findKey(it, key)
		if i < 0 {
			continue
		}
		switch valueOf(s[i]) {
		case value:
			return it, i
		case "":
			blanks = append(blanks, k)
		}
	}
	if len(blanks) == 1 {
		it := items[blanks[0]]
		return it, s.findKey(it, key)
	}
	if len(items) == 1 {
		return items[0], items[0].lo
	}
	return block{-1, -1}, -1
}
