package render

import (
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Location is a place in a repository file. Lines and columns count from 1;
// EndCol is exclusive. A Location with only File set means "the file" and is
// shown at line 1.
type Location struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"column"`
	EndLine int    `json:"endLine"`
	EndCol  int    `json:"endColumn"`
}

// Valid reports whether the location names a file.
func (l Location) Valid() bool { return l.File != "" }

// Normalize makes sure a location has a line, a column and an end, so that
// every consumer (SARIF in particular) can rely on them.
func (l Location) Normalize() Location {
	if l.Line < 1 {
		l.Line, l.Col, l.EndLine, l.EndCol = 1, 1, 1, 1
	}
	if l.Col < 1 {
		l.Col = 1
	}
	if l.EndLine < l.Line {
		l.EndLine = l.Line
	}
	if l.EndLine == l.Line && l.EndCol <= l.Col {
		l.EndCol = l.Col + 1
	}
	if l.EndCol < 1 {
		l.EndCol = 1
	}
	return l
}

// Locator maps an object path to the location a person edits.
type Locator interface {
	Locate(p Path) Location
}

// Related is a secondary location that helps explain a finding: the values
// file line that supplied a value, the base resource a patch changed.
type Related struct {
	Location Location `json:"location"`
	// Message says what is there ("value set here", "base resource").
	Message string `json:"message"`
	// Value marks the place that supplied the offending value (a values
	// file key), which can become the primary location.
	Value bool `json:"-"`
	// Sets marks a place that sets the offending value, or a part of it,
	// even when another place is the one to edit (a HelmRelease line that
	// uses a Flux variable): a suppression comment there covers the
	// finding.
	Sets bool `json:"-"`
}

// RelatedLocator is implemented by locators that know more than one place
// for a path.
type RelatedLocator interface {
	Related(p Path) []Related
}

// NodeLocator locates paths in a YAML document that was parsed from File
// with real positions (a plain manifest, or a kustomize origin file).
type NodeLocator struct {
	File string
	// Node is the object's mapping node in File.
	Node *yaml.Node
}

// Locate implements Locator.
func (l NodeLocator) Locate(p Path) Location {
	n := FindNode(l.Node, p)
	if n == nil {
		return Location{File: l.File}
	}
	return NodeLocation(l.File, n)
}

// NodeLocation returns the span of a node (usually a key node, or a key node
// followed by a scalar value on the same line) in file.
func NodeLocation(file string, n *yaml.Node) Location {
	loc := Location{File: file, Line: n.Line, Col: n.Column, EndLine: n.Line, EndCol: n.Column + scalarWidth(n)}
	return loc.Normalize()
}

func scalarWidth(n *yaml.Node) int {
	if n.Kind != yaml.ScalarNode {
		return 1
	}
	w := utf8.RuneCountInString(n.Value)
	switch n.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		w += 2
	case yaml.LiteralStyle, yaml.FoldedStyle:
		w = 1
	}
	if w < 1 {
		w = 1
	}
	return w
}

// spine keys are structural: a missing field below them is an object-level
// problem and is reported at the object's kind line.
var spine = map[string]bool{"spec": true, "template": true, "metadata": true, "jobTemplate": true}

// IsSpine reports whether key is structural (spec, template, metadata,
// jobTemplate): a missing field right below it is located at the object's
// kind line. Every locator (FindNode, the Helm scanner, kustomize's patch
// sources) uses it, so they agree.
func IsSpine(key string) bool { return spine[key] }

// FindNode walks p in the object mapping node obj and returns the node that
// best shows the path:
//   - the key node of the last step when the whole path exists (a list
//     selector step gives the element's matched field, [name=web] gives the
//     element's "name" key, so a container is shown on its "- name:" line);
//   - when the path is missing, the deepest existing step, except that a
//     missing field directly below the structural spine (spec, template,
//     metadata) is shown at the object's "kind" key;
//   - nil only when obj is not a mapping.
func FindNode(obj *yaml.Node, p Path) *yaml.Node {
	if obj != nil && obj.Kind == yaml.DocumentNode && len(obj.Content) > 0 {
		obj = obj.Content[0]
	}
	if obj == nil || obj.Kind != yaml.MappingNode {
		return nil
	}
	kindKey, _ := mapGet(obj, "kind")
	if kindKey == nil {
		kindKey = obj
	}
	best := kindKey
	bestSpine := true
	cur := obj
	for _, s := range p {
		cur = ResolveAlias(cur)
		if cur == nil {
			return best
		}
		switch {
		case s.IsKey:
			if cur.Kind != yaml.MappingNode {
				return best
			}
			k, v := mapGet(cur, s.Key)
			if k == nil {
				if bestSpine {
					return kindKey
				}
				return best
			}
			best, bestSpine, cur = k, spine[s.Key], v
		case s.Match != "":
			if cur.Kind != yaml.SequenceNode {
				return best
			}
			var found *yaml.Node
			for _, e := range cur.Content {
				e = ResolveAlias(e)
				if e == nil || e.Kind != yaml.MappingNode {
					continue
				}
				if k, v := mapGet(e, s.Match); k != nil && v != nil && v.Value == s.Value {
					found, best = e, k
					break
				}
			}
			if found == nil {
				return best
			}
			bestSpine, cur = false, found
		default:
			if cur.Kind != yaml.SequenceNode || s.Index >= len(cur.Content) {
				return best
			}
			cur = ResolveAlias(cur.Content[s.Index])
			best, bestSpine = cur, false
			if cur != nil && cur.Kind == yaml.MappingNode && len(cur.Content) > 0 {
				best = cur.Content[0]
			}
		}
	}
	return best
}

// mapGet returns the key and value nodes of key k in mapping m, following
// merge keys (<<).
func mapGet(m *yaml.Node, k string) (key, val *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == k && m.Content[i].Tag != "!!merge" {
			return m.Content[i], m.Content[i+1]
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Tag != "!!merge" {
			continue
		}
		v := ResolveAlias(m.Content[i+1])
		var srcs []*yaml.Node
		if v != nil && v.Kind == yaml.SequenceNode {
			srcs = v.Content
		} else {
			srcs = []*yaml.Node{v}
		}
		for _, s := range srcs {
			s = ResolveAlias(s)
			if s != nil && s.Kind == yaml.MappingNode {
				if kk, vv := mapGet(s, k); kk != nil {
					return kk, vv
				}
			}
		}
	}
	return nil, nil
}

// ResolveAlias returns the node an alias node stands for (following at
// most 100 aliases), or n itself.
func ResolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}
