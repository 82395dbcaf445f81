package gitops

import (
	"strings"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
	"helm.sh/helm/v4/pkg/strvals"
)

// setValue is one --set style value: an Argo CD helm parameter, or a Flux
// valuesFrom entry with a targetPath.
type setValue struct {
	name        *yaml.Node // the key (its position is where the name is written)
	value       *yaml.Node // the value; nil for an empty value
	raw         *string    // the value, when it is not value's scalar
	forceString bool
}

// setLayer merges --set style values the way helm does (strvals), and
// builds, for names without list indexes, a values mapping whose keys and
// values sit where the parameters are written, for locations.
func setLayer(file string, vals []setValue) (render.ValuesLayer, error) {
	out := map[string]any{}
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, sv := range vals {
		v := ""
		switch {
		case sv.raw != nil:
			v = *sv.raw
		case sv.value != nil:
			v = sv.value.Value
		}
		expr := sv.name.Value + "=" + cleanSetValue(v)
		var err error
		if sv.forceString {
			err = strvals.ParseIntoString(expr, out)
		} else {
			err = strvals.ParseInto(expr, out)
		}
		if err != nil {
			return render.ValuesLayer{}, err
		}
		if strings.ContainsAny(sv.name.Value, "[]") {
			continue
		}
		keys := splitKey(sv.name.Value)
		pos := sv.value
		if pos == nil {
			pos = sv.name
		}
		cur := root
		for i, k := range keys {
			var next *yaml.Node
			for j := 0; j+1 < len(cur.Content); j += 2 {
				if cur.Content[j].Value == k {
					next = cur.Content[j+1]
				}
			}
			last := i == len(keys)-1
			if next == nil || last || next.Kind != yaml.MappingNode {
				key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k, Line: sv.name.Line, Column: sv.name.Column}
				next = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: pos.Line, Column: pos.Column}
				if last {
					next = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Line: pos.Line, Column: pos.Column}
					if pos.Kind == yaml.ScalarNode && sv.raw == nil {
						next.Tag, next.Style = pos.Tag, pos.Style
					}
					// A finding says "value set here": the last key is
					// placed at the value.
					key.Line, key.Column = pos.Line, pos.Column
				}
				cur.Content = append(cur.Content, key, next)
			}
			cur = next
		}
	}
	return render.ValuesLayer{File: file, Node: root, Values: out}, nil
}

// splitKey splits a --set name at unescaped dots.
func splitKey(name string) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		switch {
		case name[i] == '\\' && i+1 < len(name):
			i++
			b.WriteByte(name[i])
		case name[i] == '.':
			out = append(out, b.String())
			b.Reset()
		default:
			b.WriteByte(name[i])
		}
	}
	return append(out, b.String())
}

// cleanSetValue escapes the commas of a --set value that would split it,
// as Argo CD does for helm parameters: not those already escaped, nor those
// of a {a,b} list.
func cleanSetValue(v string) string {
	if strings.HasPrefix(v, "{") && strings.HasSuffix(v, "}") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch {
		case v[i] == '\\' && i+1 < len(v):
			b.WriteByte(v[i])
			i++
			b.WriteByte(v[i])
		case v[i] == ',':
			b.WriteString(`\,`)
		default:
			b.WriteByte(v[i])
		}
	}
	return b.String()
}
