package lint

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/prodlint/prodlint/render"
)

// This file holds the path and message helpers of the schema rules.

// listNames returns, for the elements of a list that are mappings with a
// "name" unique in the list, that name by index. Those elements are
// addressed as [name=x] (the locator then shows the element's "- name:"
// line); the others by index.
func listNames(list []any) map[int]string {
	count := map[string]int{}
	for _, e := range list {
		if n := elemName(e); n != "" {
			count[n]++
		}
	}
	names := map[int]string{}
	for i, e := range list {
		if n := elemName(e); n != "" && count[n] == 1 {
			names[i] = n
		}
	}
	return names
}

// elemName returns the "name" of a list element that can be used in a
// [name=x] selector, or "".
func elemName(e any) string {
	m, _ := e.(map[string]any)
	n, _ := m["name"].(string)
	if strings.ContainsAny(n, "[]") {
		return ""
	}
	return n
}

// elemPath returns the path of element i of the list at path, named by
// names (from listNames) when it can be.
func elemPath(path render.Path, names map[int]string, i int) render.Path {
	if n, ok := names[i]; ok {
		return path.Where("name", n)
	}
	return path.Index(i)
}

// containerLists are the keys of pod spec lists whose elements are
// containers.
var containerLists = map[string]string{"containers": "container", "initContainers": "init container", "ephemeralContainers": "ephemeral container"}

// containerStep returns the index of the last container selector
// (containers[name=web]) of a path, or -1.
func containerStep(p render.Path) int {
	for i := len(p) - 2; i >= 0; i-- {
		if p[i].IsKey && containerLists[p[i].Key] != "" && p[i+1].Match == "name" {
			return i
		}
	}
	return -1
}

// pathContainer returns the container a path is in, or "".
func pathContainer(p render.Path) string {
	if i := containerStep(p); i >= 0 {
		return p[i+1].Value
	}
	return ""
}

// fieldSubject names the field at path p in a message: the path below its
// container and the container (`resources of container "web"`), or the
// path, shortened from the left when long.
func fieldSubject(p render.Path) string {
	if i := containerStep(p); i >= 0 && i+2 < len(p) {
		return shortPath(p[i+2:]) + " of " + containerLists[p[i].Key] + " " + quoteShort(p[i+1].Value)
	}
	if len(p) == 0 {
		return "the object"
	}
	return shortPath(p)
}

// fieldPlace names the mapping at path p, the parent of a field, in a message:
// `in container "web"`, `in securityContext of container "web"`,
// `in spec.template.spec`, or `at the top level` of the object.
func fieldPlace(p render.Path) string {
	if i := containerStep(p); i >= 0 {
		if i+2 == len(p) {
			return "in " + containerLists[p[i].Key] + " " + quoteShort(p[i+1].Value)
		}
		return "in " + fieldSubject(p)
	}
	if len(p) == 0 {
		return "at the top level"
	}
	return "in " + shortPath(p)
}

// maxPathLen is the length beyond which a path in a message is shortened.
const maxPathLen = 40

// shortPath formats p, dropping leading steps of a long path ("…").
func shortPath(p render.Path) string {
	s := p.String()
	for i := 1; utf8.RuneCountInString(s) > maxPathLen && i < len(p); i++ {
		s = "…" + strings.TrimPrefix(p[i:].String(), ".")
	}
	return s
}

// quoteShort quotes s for a message, shortened when long.
func quoteShort(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// describeValue names a raw value and its type for a message: `a string
// ("2")`, `the number 8080`, `a mapping`.
func describeValue(v any) string {
	switch x := v.(type) {
	case string:
		return "a string (" + quoteShort(x) + ")"
	case bool:
		return fmt.Sprintf("the boolean %t", x)
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	case nil:
		return "null"
	}
	return fmt.Sprintf("the number %v", v)
}

// typeHint says how to fix a value of the wrong type at path p: got is the
// raw value, want the expected JSON type (string, integer, number, boolean,
// object, array).
func typeHint(p render.Path, got any, want string) string {
	s, isString := got.(string)
	switch {
	case isString && (want == "integer" || want == "number") && numericString(s):
		return "remove the quotes"
	case isString && want == "integer" && len(p) > 0 && strings.HasSuffix(strings.ToLower(p[len(p)-1].Key), "port"):
		return "use the port's number (a port's name goes in its name field)"
	case isString && want == "boolean" && (s == "true" || s == "false"):
		return "remove the quotes"
	case want == "string" && !isString && got != nil && !isCollection(got):
		return "quote the value"
	case want == "array":
		return "write it as a list"
	case want == "object":
		return "write it as a mapping"
	}
	return "fix the value"
}

// wantName names an expected JSON type in a message.
var wantName = map[string]string{
	"string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean",
	"object": "a mapping", "array": "a list", "null": "null",
}

func isCollection(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// numericString reports whether s is a decimal number (an integer or not).
func numericString(s string) bool {
	s = strings.TrimPrefix(s, "-")
	digits, dot := 0, false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// yaml11Bools are the plain scalars YAML 1.1 reads as booleans and YAML 1.2
// (the renderers' parser) as strings. kubectl and Helm convert manifests
// with a YAML 1.1 parser, so the API server receives a boolean for them.
var yaml11Bools = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"n": false, "N": false, "no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
}

// suggestField returns the known name closest to an unknown one, when it is
// close enough to be a typo (a case difference, or an edit distance of at
// most 2, 1 for short names) and no other name is as close.
func suggestField(name string, known []string) string {
	limit := 2
	if len(name) < 5 {
		limit = 1
	}
	best, bestD, tie := "", limit+1, false
	for _, k := range known {
		d := editDistance(strings.ToLower(name), strings.ToLower(k))
		if d == 0 {
			return k
		}
		switch {
		case d < bestD:
			best, bestD, tie = k, d, false
		case d == bestD:
			tie = true
		}
	}
	if tie || bestD > limit {
		return ""
	}
	return best
}

// editDistance is the optimal string alignment distance of a and b: the
// Levenshtein distance where swapping two adjacent characters counts one.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// unknownFieldMessage is the message of a field that the schema does not
// know, at path parent.key; known are the field names of parent; tail says
// what happens to it (" is pruned by the API server"), if anything; moved,
// if not empty, says where the field belongs (`it is a field of
// containers[], move it there`) for when no known name is close.
func unknownFieldMessage(parent render.Path, key string, known []string, tail, moved string) string {
	msg := fmt.Sprintf("unknown field %s %s%s", quoteShort(key), fieldPlace(parent), tail)
	switch s := suggestField(key, known); {
	case s != "":
		return msg + "; did you mean " + quoteShort(s) + "?"
	case moved != "":
		return msg + "; " + moved
	}
	return msg + "; remove it or fix its name"
}

// rawKeys returns the keys of a raw mapping, sorted.
func rawKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// sopsMetadata reports the top-level sops field of a file encrypted with
// SOPS (Flux's kustomize-controller decrypts it and removes the field
// before applying), which no schema has.
func sopsMetadata(parent render.Path, key string, v any) bool {
	_, isMap := v.(map[string]any)
	return len(parent) == 0 && key == "sops" && isMap
}
