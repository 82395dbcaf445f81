package kustomize

import (
	"path"
	"strconv"
	"strings"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
)

// objectLocator locates the paths of one rendered object. It first asks the
// patches and transformer entries that may have set the path, latest applied
// first (outermost kustomization first), and falls back to the object's own
// document, or the generator entry that made it. It only reads data that is
// fixed once the render returns, so it is safe for concurrent use.
type objectLocator struct {
	node     *yaml.Node // the rendered object's mapping
	origin   *yaml.Node // the object's own document, if found
	sources  []source
	fallback render.Locator
}

// Locate implements render.Locator.
func (l objectLocator) Locate(p render.Path) render.Location {
	if l.structural(p) {
		return l.fallback.Locate(p)
	}
	for _, s := range l.sources {
		if loc, ok := s.locate(p, l.node); ok {
			return loc
		}
	}
	// A list element that a patch added (a sidecar container) is not in
	// the object's own document: a field missing inside it is shown at the
	// element in the patch that added it.
	if l.origin != nil {
		for i := len(p) - 1; i > 0; i-- {
			if p[i].Match == "" {
				continue
			}
			q := p[:i+1]
			if show, _ := walk(l.origin, byName(q, l.node)); show != nil {
				break
			}
			for _, s := range l.sources {
				if loc, ok := s.locate(q, l.node); ok {
					return loc
				}
			}
			break
		}
	}
	return l.fallback.Locate(p)
}

var _ render.RelatedLocator = objectLocator{}

// Related implements render.RelatedLocator: for a path that a patch or a
// transformer entry sets, the resource's own document (the base the patch
// changes), where the field is or would be.
func (l objectLocator) Related(p render.Path) []render.Related {
	if l.origin == nil || l.structural(p) {
		return nil
	}
	patched := false
	for _, s := range l.sources {
		if _, ok := s.locate(p, l.node); ok {
			patched = true
			break
		}
	}
	if !patched {
		return nil
	}
	base := l.fallback.Locate(p)
	if base.File == "" || base == l.Locate(p) {
		return nil
	}
	return []render.Related{{Location: base, Message: "resource defined here"}}
}

// structural reports whether p names a structural node (the object, a spine
// key, a list element) that the object's own document has. Such a path stays
// in the document even when a patch names it too, to reach what is inside.
func (l objectLocator) structural(p render.Path) bool {
	if l.origin == nil {
		return false
	}
	if n := len(p); n > 0 && p[n-1].IsKey && !render.IsSpine(p[n-1].Key) {
		return false
	}
	show, _ := walk(l.origin, byName(p, l.node))
	return show != nil || len(p) == 0
}

// source is a patch or transformer entry that can set fields of objects.
type source interface {
	// applies reports whether the entry targets the resource.
	applies(t *target) bool
	// locate returns where the entry sets p in obj (the rendered object's
	// mapping), if it does.
	locate(p render.Path, obj *yaml.Node) (render.Location, bool)
}

// locator builds the locator of a resource from the sources of its chain.
func (mp *mapper) locator(fallback render.Locator, origin *yaml.Node, chains []chain, t *target) render.Locator {
	if len(chains) == 0 {
		return fallback
	}
	var srcs []source
	for _, kz := range chains[0].layers() {
		for _, s := range mp.sourcesOf(kz) {
			if s.applies(t) {
				srcs = append(srcs, s)
			}
		}
	}
	if len(srcs) == 0 {
		return fallback
	}
	return objectLocator{node: t.node, origin: origin, sources: srcs, fallback: fallback}
}

// generatorEntry finds the configMapGenerator or secretGenerator entry of kz
// that made the object, and returns it with its name.
func (mp *mapper) generatorEntry(kz *kustomization, field string, o *render.Object, t *target, chains []chain) (*yaml.Node, string) {
	affixes := chainAffixes(chains, t.gvk)
	var best *yaml.Node
	var bestName string
	bestScore := 0
	for _, e := range items(kz.node, field) {
		name := scalarAt(e, "name")
		s := nameScore(o.Name, name, affixes, true)
		if s > bestScore || s == bestScore && s > 0 && len(name) > len(bestName) {
			best, bestName, bestScore = e, name, s
		}
	}
	return best, bestName
}

// generatorLocator locates the data keys of a generated object in the
// literals, files and env files of its generator entry, and everything else
// at the entry's "- name:" line.
type generatorLocator struct {
	file  string     // the kustomization
	entry *yaml.Node // the generator entry's mapping
	// envs are the entry's env files (repository path and content).
	envs []envFile
}

// envFile is an env file of a generator entry.
type envFile struct {
	file string
	src  []byte
}

// generatorLocator builds the locator of a generator entry.
func (mp *mapper) generatorLocator(kz *kustomization, e *yaml.Node) generatorLocator {
	g := generatorLocator{file: kz.file, entry: e}
	envs := scalars(e, "envs")
	if _, env := render.MapKey(e, "env"); env != nil && env.Kind == yaml.ScalarNode {
		envs = append(envs, env)
	}
	for _, n := range envs {
		f := path.Join(kz.dir, n.Value)
		if inRepo(f) {
			g.envs = append(g.envs, envFile{file: f, src: mp.file(f).src})
		}
	}
	return g
}

// Locate implements render.Locator.
func (g generatorLocator) Locate(p render.Path) render.Location {
	if k, ok := dataKey(p); ok {
		if loc, ok := g.key(k); ok {
			return loc
		}
	}
	if k, _ := render.MapKey(g.entry, "name"); k != nil {
		return render.NodeLocation(g.file, k)
	}
	return render.NodeLocation(g.file, g.entry)
}

// dataKey returns KEY for a path data.KEY (or binaryData, stringData).
func dataKey(p render.Path) (string, bool) {
	if len(p) != 2 || !p[0].IsKey || !p[1].IsKey {
		return "", false
	}
	switch p[0].Key {
	case "data", "binaryData", "stringData":
		return p[1].Key, true
	}
	return "", false
}

// key locates a data key: a literal "KEY=value", a file source "KEY=path" or
// a file named KEY, or a "KEY=value" line of an env file.
func (g generatorLocator) key(k string) (render.Location, bool) {
	for _, n := range scalars(g.entry, "literals") {
		if strings.HasPrefix(n.Value, k+"=") {
			return render.NodeLocation(g.file, n), true
		}
	}
	for _, n := range scalars(g.entry, "files") {
		if strings.HasPrefix(n.Value, k+"=") || !strings.Contains(n.Value, "=") && path.Base(n.Value) == k {
			return render.NodeLocation(g.file, n), true
		}
	}
	for _, e := range g.envs {
		for i, l := range strings.Split(string(e.src), "\n") {
			l = strings.TrimSpace(l)
			if l == k || strings.HasPrefix(l, k+"=") {
				loc := render.Location{File: e.file, Line: i + 1, Col: 1, EndLine: i + 1, EndCol: 1 + len(k)}
				return loc, true
			}
		}
	}
	return render.Location{}, false
}

// walk follows p in mapping m and returns the node that shows the last step
// (a key node, a selector's matched field key, an element's first key) and
// the value there, or nils when any step is missing.
func walk(m *yaml.Node, p render.Path) (show, val *yaml.Node) {
	cur := m
	for _, s := range p {
		cur = render.ResolveAlias(cur)
		if cur == nil {
			return nil, nil
		}
		switch {
		case s.IsKey:
			k, v := render.MapKey(cur, s.Key)
			if k == nil {
				return nil, nil
			}
			show, cur = k, v
		case s.Match != "":
			e, k := elementWhere(cur, s.Match, s.Value)
			if e == nil {
				return nil, nil
			}
			show, cur = k, e
		default:
			if cur = elementAt(cur, s.Index); cur == nil {
				return nil, nil
			}
			show = firstKey(cur)
		}
	}
	return show, render.ResolveAlias(cur)
}

// elementWhere returns the element of sequence seq whose field k is v, and
// that field's key node.
func elementWhere(seq *yaml.Node, k, v string) (elem, key *yaml.Node) {
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil, nil
	}
	for _, e := range seq.Content {
		e = render.ResolveAlias(e)
		if kk, vv := render.MapKey(e, k); kk != nil && vv != nil && vv.Value == v {
			return e, kk
		}
	}
	return nil, nil
}

// firstKey returns a mapping's first key node, or n itself.
func firstKey(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.MappingNode && len(n.Content) > 0 {
		return n.Content[0]
	}
	return n
}

// valueAt returns the scalar value at p in obj, and whether there is one.
func valueAt(obj *yaml.Node, p render.Path) (string, bool) {
	_, v := walk(obj, p)
	if v == nil || v.Kind != yaml.ScalarNode {
		return "", false
	}
	return v.Value, true
}

// byName rewrites the index steps of p that select list elements with a
// name (containers, env, ports, volumes) into [name=…] selectors, reading
// the names from the rendered object; strategic-merge patches match list
// elements by name, not position.
func byName(p render.Path, obj *yaml.Node) render.Path {
	out := make(render.Path, 0, len(p))
	cur := obj
	for _, s := range p {
		cur = render.ResolveAlias(cur)
		switch {
		case s.IsKey:
			_, cur = render.MapKey(cur, s.Key)
		case s.Match != "":
			cur, _ = elementWhere(cur, s.Match, s.Value)
		default:
			e := elementAt(cur, s.Index)
			if name := scalarAt(e, "name"); name != "" {
				s = render.Step{Match: "name", Value: name, Index: -1}
			}
			cur = e
		}
		out = append(out, s)
	}
	return out
}

// tokens turns p into JSON pointer tokens, resolving [k=v] selectors to
// indexes in the rendered object. It stops at a selector it cannot resolve.
func tokens(p render.Path, obj *yaml.Node) []string {
	var toks []string
	cur := obj
	for _, s := range p {
		cur = render.ResolveAlias(cur)
		switch {
		case s.IsKey:
			toks = append(toks, s.Key)
			_, cur = render.MapKey(cur, s.Key)
		case s.Match != "":
			i := indexWhere(cur, s.Match, s.Value)
			if i < 0 {
				return toks
			}
			toks = append(toks, strconv.Itoa(i))
			cur = cur.Content[i]
		default:
			toks = append(toks, strconv.Itoa(s.Index))
			cur = elementAt(cur, s.Index)
		}
	}
	return toks
}

// indexWhere returns the index of the element of seq whose field k is v, or
// -1.
func indexWhere(seq *yaml.Node, k, v string) int {
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return -1
	}
	for i, e := range seq.Content {
		if _, vv := render.MapKey(render.ResolveAlias(e), k); vv != nil && vv.Value == v {
			return i
		}
	}
	return -1
}

// elementAt returns element i of sequence seq, or nil.
func elementAt(seq *yaml.Node, i int) *yaml.Node {
	if seq == nil || seq.Kind != yaml.SequenceNode || i < 0 || i >= len(seq.Content) {
		return nil
	}
	return render.ResolveAlias(seq.Content[i])
}
