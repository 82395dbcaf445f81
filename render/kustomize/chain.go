package kustomize

import (
	"slices"

	"sigs.k8s.io/kustomize/kyaml/resid"
)

// maxChains bounds the paths kept per kustomization, and maxSteps the work
// spent finding them, for trees where many paths share bases.
const (
	maxChains = 8
	maxSteps  = 100000
)

// step is one kustomization on a path from the root; next is the edge taken
// from it, nil at the end of the path.
type step struct {
	kz   *kustomization
	next *edge
}

// chain is a path of kustomizations from the root to the one that declares a
// resource or generator, outermost first.
type chain []step

// chainsTo returns the paths from the root to every kustomization of the
// tree, computed once per render.
func (t *tree) chainsTo() map[*kustomization][]chain {
	paths := map[*kustomization][]chain{}
	steps := 0
	var walk func(kz *kustomization, prefix chain)
	walk = func(kz *kustomization, prefix chain) {
		if steps++; steps > maxSteps {
			return
		}
		if len(paths[kz]) < maxChains {
			paths[kz] = append(paths[kz], append(slices.Clone(prefix), step{kz: kz}))
		}
		for i := range kz.edges {
			e := &kz.edges[i]
			walk(e.to, append(slices.Clone(prefix), step{kz: kz, next: e}))
		}
	}
	walk(t.root, nil)
	return paths
}

// layers returns the kustomizations of the chain whose transformations apply
// to the chain's resources, latest applied first: at each step the
// kustomization itself, then the components it applies after the next step's
// resources exist (all of them after a base; the later ones after a
// component), last listed first.
func (c chain) layers() []*kustomization {
	var out []*kustomization
	for _, s := range c {
		out = append(out, s.kz)
		var comps []*kustomization
		after := s.next == nil || !s.next.component
		for i := range s.kz.edges {
			e := &s.kz.edges[i]
			switch {
			case e == s.next:
				after = true
			case e.component && after:
				comps = append(comps, e.to)
			}
		}
		slices.Reverse(comps)
		out = append(out, comps...)
	}
	return out
}

// affix is a name prefix and suffix.
type affix struct{ prefix, suffix string }

// noAffix is the kinds kustomize never prefixes or suffixes.
var noAffix = []resid.Gvk{
	{Kind: "CustomResourceDefinition"},
	{Group: "apiregistration.k8s.io", Kind: "APIService"},
	{Kind: "Namespace"},
}

// affixes returns the name prefixes and suffixes a resource of kind gvk
// gets along the chain: for each depth, the affix of the layers from there
// inward. The first is the whole chain's, the last the empty affix.
func (c chain) affixes(gvk resid.Gvk) []affix {
	for _, g := range noAffix {
		if g.Kind == gvk.Kind && (g.Group == "" || g.Group == gvk.Group) {
			return []affix{{}}
		}
	}
	ls := c.layers()
	out := make([]affix, 0, len(ls)+1)
	for i := range ls {
		var a affix
		for j := i; j < len(ls); j++ {
			a.prefix += ls[j].k.NamePrefix
		}
		for j := len(ls) - 1; j >= i; j-- {
			a.suffix += ls[j].k.NameSuffix
		}
		out = append(out, a)
	}
	return append(out, affix{})
}
