package gitops

import (
	"encoding/base64"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
)

// sourceRef is a Flux source reference resolved against the repository.
type sourceRef struct {
	kind, name, ns string
	path           render.Path // where the reference is in the object
}

func ref(n *yaml.Node, p render.Path, defKind, defNS string) sourceRef {
	s := sourceRef{kind: str(n, "kind"), name: str(n, "name"), ns: str(n, "namespace"), path: p}
	if s.kind == "" {
		s.kind = defKind
	}
	if s.ns == "" {
		s.ns = defNS
	}
	return s
}

func (s sourceRef) String() string { return fmt.Sprintf("%s %s/%s", s.kind, s.ns, s.name) }

// gitRepo resolves a GitRepository reference: ok when it is this
// repository, else the problem is recorded.
func (r *resolver) gitRepo(d *doc, s sourceRef, what string) bool {
	g := nearest(r.idx.gitRepos[s.ns+"/"+s.name], d.obj.File)
	if g == nil {
		g = nearest(r.idx.gitRepos["/"+s.name], d.obj.File)
	}
	if g == nil && s.name == "flux-system" && s.ns == "flux-system" {
		// flux bootstrap makes flux-system/flux-system the repository it
		// bootstraps, and writes it to the repository (or only to the
		// cluster, when gotk-sync.yaml is a placeholder).
		return true
	}
	if g == nil {
		r.problem(d, NotRendered, s.path, "%s comes from %s, which is not in this repository, so it is not rendered; add the GitRepository", what, s)
		return false
	}
	r.used = append(r.used, g.obj.File)
	url := str(g.obj.Node, "spec", "url")
	if !r.isThisRepo(url) {
		r.problem(d, NotRendered, s.path, "%s", r.notThisRepo(url))
		return false
	}
	return true
}

// helmRelease resolves a Flux HelmRelease whose chart is in this
// repository: from a GitRepository that is this repository, directly or
// through a HelmChart (chartRef).
func (r *resolver) helmRelease(d *doc) {
	o := d.obj
	spec := child(o.Node, "spec")
	sp := render.Path{}.Key("spec")
	var chart string
	var src sourceRef
	var chartRefDoc *doc // the HelmChart of a chartRef
	switch {
	case child(spec, "chartRef") != nil:
		cr := ref(child(spec, "chartRef"), sp.Key("chartRef"), "", o.Namespace)
		if cr.kind != "HelmChart" {
			r.problem(d, NotRendered, cr.path, "the chart comes from %s, which is not fetched, so what it deploys is not linted; lint the chart's own repository", cr)
			return
		}
		hc := nearest(r.idx.helmCharts[cr.ns+"/"+cr.name], d.obj.File)
		if hc == nil {
			r.problem(d, Missing, cr.path, "%s is not in this repository; add it or fix the chartRef", cr)
			return
		}
		chart, chartRefDoc = str(hc.obj.Node, "spec", "chart"), hc
		r.used = append(r.used, hc.obj.File)
		src = ref(at(hc.obj.Node, "spec", "sourceRef"), cr.path, "HelmRepository", hc.obj.Namespace)
	default:
		cs := at(spec, "chart", "spec")
		chart = str(cs, "chart")
		src = ref(child(cs, "sourceRef"), sp.Key("chart").Key("spec").Key("sourceRef"), "HelmRepository", o.Namespace)
	}
	if src.kind != "GitRepository" {
		r.problem(d, NotRendered, src.path, "chart %s comes from %s, which is not fetched, so what it deploys is not linted; lint the chart's own repository", chart, src)
		return
	}
	if !r.gitRepo(d, src, "the chart") {
		return
	}
	dir := cleanPath(chart)
	chartPath := sp.Key("chart").Key("spec").Key("chart")
	if dir == "" || r.kindAt(dir) != render.Helm {
		r.problem(d, Missing, chartPath, "chart %s is not a chart folder of this repository; fix the path", chart)
		return
	}
	ns := str(spec, "targetNamespace")
	if ns == "" {
		ns = o.Namespace
	}
	dep := r.newDeployment(d, o.Ref(), o.Node.Line) // "HelmRelease ns/name"
	dep.Namespace = ns
	dep.ReleaseName = str(spec, "releaseName")
	if dep.ReleaseName == "" {
		dep.ReleaseName = o.Name
		if t := str(spec, "targetNamespace"); t != "" {
			dep.ReleaseName = t + "-" + o.Name
		}
	}
	// The chart's values files (paths in the source, the repository):
	// chart.spec.valuesFiles, or the HelmChart's.
	vfNode, vfPath := at(spec, "chart", "spec"), func(i int) render.Path { return sp.Key("chart").Key("spec").Key("valuesFiles").Index(i) }
	if hc := chartRefDoc; hc != nil {
		vfNode, vfPath = child(hc.obj.Node, "spec"), func(int) render.Path { return sp.Key("chartRef") }
	}
	for i, f := range items(vfNode, "valuesFiles") {
		file := cleanPath(f.Value)
		if file == "" || !r.exists(file) {
			r.problem(d, Missing, vfPath(i), "values file %s is not in this repository; fix the path", f.Value)
			continue
		}
		dep.Values = append(dep.Values, render.ValuesLayer{File: file})
		dep.Deps = append(dep.Deps, file)
	}
	for i, vf := range items(spec, "valuesFrom") {
		r.valuesFrom(d, vf, sp.Key("valuesFrom").Index(i), dep)
	}
	if v := child(spec, "values"); v != nil && v.Kind == yaml.MappingNode {
		dep.Values = append(dep.Values, render.ValuesLayer{File: o.File, Node: v, Origins: d.origins})
	}
	r.deploy(render.Helm, dir, false, dep)
}

// valuesFrom adds the values of one valuesFrom entry of a HelmRelease:
// a key of a ConfigMap or Secret manifest, or of one a kustomize generator
// makes.
func (r *resolver) valuesFrom(d *doc, vf *yaml.Node, p render.Path, dep *render.Deployment) {
	kind, name := str(vf, "kind"), str(vf, "name")
	key := str(vf, "valuesKey")
	if key == "" {
		key = "values.yaml"
	}
	optional := str(vf, "optional") == "true"
	missing := func() {
		if !optional {
			r.problem(d, Missing, p.Key("name"), "valuesFrom %s %s (key %s) is not in this repository; add it, or set optional: true if the release may go without it", kind, name, key)
		}
	}
	c := r.findConfig(d.obj.File, d.obj.Namespace, kind, name)
	if c == nil {
		missing()
		return
	}
	dep.Deps = append(dep.Deps, c.file)
	if c.encrypted {
		dep.Notes = append(dep.Notes, fmt.Sprintf("the values of %s from %s %s are encrypted (SOPS) and not read", dep.Name, kind, name))
		return
	}
	text, pos, layer, ok := r.configValue(c, key)
	if !ok {
		missing()
		return
	}
	if layer.File != c.file {
		dep.Deps = append(dep.Deps, layer.File)
	}
	if target := str(vf, "targetPath"); target != "" {
		l, err := setLayer(layer.File, []setValue{{name: &yaml.Node{Kind: yaml.ScalarNode, Value: target, Line: pos.Line, Column: pos.Column}, value: pos, raw: &text}})
		if err != nil {
			r.problem(d, Missing, p.Key("targetPath"), "targetPath %q: %v; fix the path", target, err)
			return
		}
		dep.Values = append(dep.Values, l)
		return
	}
	dep.Values = append(dep.Values, layer)
}

// configSource is a ConfigMap or Secret of the repository: a manifest, or
// what a kustomize generator makes.
type configSource struct {
	file      string     // the manifest, or the generator's kustomization
	doc       *doc       // the manifest
	gen       *genConfig // the generator
	encrypted bool       // a Secret encrypted with SOPS
}

// findConfig finds the ConfigMap or Secret kind/name in namespace ns (or
// without a namespace), the nearest one to the file from when several
// clusters have one.
func (r *resolver) findConfig(from, ns, kind, name string) *configSource {
	source := func(d *doc) *configSource {
		return &configSource{file: d.obj.File, doc: d, encrypted: kind == "Secret" && child(d.obj.Node, "sops") != nil}
	}
	// A Flux Kustomization with a target namespace moves what it applies
	// there, whatever the manifests say: the ConfigMaps it applies with
	// the object come first.
	if k := r.appliedBy(from); k != nil && k.ForceNamespace && k.Namespace == ns {
		var cands []*doc
		for key, docs := range r.idx.configs {
			if strings.HasPrefix(key, kind+" ") && strings.HasSuffix(key, "/"+name) {
				for _, cd := range docs {
					if r.appliedBy(cd.obj.File) == k {
						cands = append(cands, cd)
					}
				}
			}
		}
		if best := nearest(cands, from); best != nil {
			return source(best)
		}
	}
	for _, k := range []string{kind + " " + ns + "/" + name, kind + " /" + name} {
		var cands []*doc
		cands = append(cands, r.idx.configs[k]...)
		gens := map[*doc]*genConfig{}
		for _, g := range r.idx.generated[k] {
			// A stand-in document, so that nearest compares files.
			sd := &doc{obj: &render.Object{File: g.file}}
			gens[sd] = g
			cands = append(cands, sd)
		}
		best := nearest(cands, from)
		if best == nil {
			continue
		}
		if g, ok := gens[best]; ok {
			return &configSource{file: g.file, gen: g}
		}
		return source(best)
	}
	return nil
}

// configValue returns the text of key of a ConfigMap or Secret, where it
// is, and a values layer of it (placed in its file when it can be).
func (r *resolver) configValue(c *configSource, key string) (string, *yaml.Node, render.ValuesLayer, bool) {
	if c.gen != nil {
		if f, ok := c.gen.files[key]; ok && r.exists(f) {
			b, _ := fs.ReadFile(r.fsys, f)
			return string(b), &yaml.Node{Kind: yaml.ScalarNode, Line: 1, Column: 1}, render.ValuesLayer{File: f}, true
		}
		vals, from := c.gen.data(r.fsys)
		v, ok := vals[key]
		if !ok {
			return "", nil, render.ValuesLayer{}, false
		}
		at := from[key]
		return v, &yaml.Node{Kind: yaml.ScalarNode, Line: at.Line, Column: at.Col}, render.ValuesLayer{File: at.File, Values: parseValues(v)}, true
	}
	n, txt, ok := configKey(c.doc, key)
	if !ok {
		return "", nil, render.ValuesLayer{}, false
	}
	l := render.ValuesLayer{File: c.file}
	if n.Kind == yaml.ScalarNode && txt == n.Value {
		if v, err := render.ParseEmbedded(n, c.doc.lines); err == nil && v != nil && v.Kind == yaml.MappingNode {
			l.Node = v
		}
	}
	if l.Node == nil {
		l.Node, l.Values = &yaml.Node{Kind: yaml.MappingNode, Line: n.Line, Column: n.Column}, parseValues(txt)
	}
	return txt, n, l, true
}

// parseValues parses a values text, or gives no values.
func parseValues(txt string) map[string]any {
	var m map[string]any
	if yaml.Unmarshal([]byte(txt), &m) != nil || m == nil {
		m = map[string]any{}
	}
	return m
}

// configKey returns the node and text of a data key of a ConfigMap or
// Secret manifest (stringData as written, data of a Secret decoded).
func configKey(cd *doc, key string) (*yaml.Node, string, bool) {
	if n := at(cd.obj.Node, "stringData", key); n != nil && cd.obj.Kind == "Secret" {
		return n, n.Value, true
	}
	n := at(cd.obj.Node, "data", key)
	if n == nil {
		return nil, "", false
	}
	if cd.obj.Kind == "Secret" {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(n.Value))
		if err != nil {
			return nil, "", false
		}
		return n, string(b), true
	}
	return n, n.Value, true
}

// fluxKustomization resolves a Flux Kustomization whose path is in this
// repository.
func (r *resolver) fluxKustomization(d *doc) {
	o := d.obj
	spec := child(o.Node, "spec")
	sp := render.Path{}.Key("spec")
	src := ref(child(spec, "sourceRef"), sp.Key("sourceRef"), "GitRepository", o.Namespace)
	dir := cleanPath(str(spec, "path"))
	switch src.kind {
	case "GitRepository":
		if !r.gitRepo(d, src, "the path") {
			return
		}
	case "ExternalArtifact":
		var ok bool
		if dir, ok = r.artifactPath(d, src, dir); !ok {
			return
		}
	default:
		r.problem(d, NotRendered, src.path, "the manifests come from %s, which is not fetched, so they are not linted; lint its own repository", src)
		return
	}
	if dir == "" {
		r.problem(d, Missing, sp.Key("path"), "path %q leaves the repository; use a path relative to the repository root", str(spec, "path"))
		return
	}
	kind := r.kindAt(dir)
	if kind == "" || kind == render.Helm {
		r.problem(d, Missing, sp.Key("path"), "path %s is not a folder of manifests or a kustomization in this repository; fix the path", dir)
		return
	}
	dep := r.newDeployment(d, o.Ref(), o.Node.Line) // "Kustomization ns/name"
	if ns := str(spec, "targetNamespace"); ns != "" {
		dep.Namespace, dep.ForceNamespace = ns, true
	}
	ov := &render.KustomizeOverlay{File: o.File, Lines: d.lines}
	if dep.Namespace != "" {
		ov.Fields = append(ov.Fields, render.OverlayField{Key: "namespace", Node: child(spec, "targetNamespace")})
	}
	for _, f := range []string{"namePrefix", "nameSuffix", "patches", "images", "components"} {
		if n := child(spec, f); n != nil {
			ov.Fields = append(ov.Fields, render.OverlayField{Key: f, Node: n})
		}
	}
	if l := at(spec, "commonMetadata", "labels"); l != nil && l.Kind == yaml.MappingNode {
		pairs := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: l.Line, Column: l.Column}
		pairs.Content = []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "pairs", Line: l.Line, Column: l.Column}, l}
		ov.Fields = append(ov.Fields, render.OverlayField{Key: "labels", Node: &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: l.Line, Column: l.Column, Content: []*yaml.Node{pairs}}})
	}
	if a := at(spec, "commonMetadata", "annotations"); a != nil && a.Kind == yaml.MappingNode {
		ov.Fields = append(ov.Fields, render.OverlayField{Key: "commonAnnotations", Node: a})
	}
	if len(ov.Fields) > 0 {
		dep.Kustomize = ov
	}
	r.postBuild(d, child(spec, "postBuild"), sp.Key("postBuild"), dep)
	r.fluxApplied = append(r.fluxApplied, fluxApplied{dir: dir, dep: dep})
	if kind == render.Plain && dep.Kustomize != nil {
		for _, f := range ov.Fields {
			if f.Key != "namespace" {
				dep.Notes = append(dep.Notes, fmt.Sprintf("%s of %s is not applied: %s has no kustomization file", f.Key, dep.Name, dir))
			}
		}
	}
	deployed := false
	if kind == render.Plain {
		// Flux generates a kustomization for the folder: its manifests,
		// recursively, and the kustomizations below it.
		for _, sub := range r.kustomizationsBelow(dir) {
			kd := *dep
			kd.Notes = nil
			deployed = r.deploy(render.Kustomize, sub, false, &kd) || deployed
		}
	}
	if !r.deploy(kind, dir, kind == render.Plain, dep) && !deployed && under(dir, r.opts.Under) {
		r.note(o.File, "%s deploys %s, which has nothing to render", dep.Name, dir)
	}
}

// postBuild collects the post-build variables of a Flux Kustomization:
// substituteFrom ConfigMaps and Secrets in order, then substitute.
func (r *resolver) postBuild(d *doc, pb *yaml.Node, p render.Path, dep *render.Deployment) {
	if pb == nil {
		return
	}
	vars := map[string]string{}
	dep.SubstituteAt = map[string]render.Location{}
	for i, sf := range items(pb, "substituteFrom") {
		kind, name := str(sf, "kind"), str(sf, "name")
		c := r.findConfig(d.obj.File, d.obj.Namespace, kind, name)
		switch {
		case c == nil:
			if str(sf, "optional") != "true" {
				r.problem(d, Missing, p.Key("substituteFrom").Index(i).Key("name"), "substituteFrom %s %s is not in this repository; add it, or set optional: true if its variables may stay unset", kind, name)
			}
			continue
		case c.encrypted:
			dep.Notes = append(dep.Notes, fmt.Sprintf("the variables of %s from %s %s are encrypted (SOPS) and not read", dep.Name, kind, name))
		case c.gen != nil:
			vals, from := c.gen.data(r.fsys)
			for k, v := range vals {
				vars[k] = v
				dep.SubstituteAt[k] = from[k]
				dep.Deps = append(dep.Deps, from[k].File)
			}
		default:
			for _, field := range []string{"data", "stringData"} {
				m := at(c.doc.obj.Node, field)
				if m == nil || m.Kind != yaml.MappingNode {
					continue
				}
				for j := 0; j+1 < len(m.Content); j += 2 {
					v := m.Content[j+1].Value
					if kind == "Secret" && field == "data" {
						b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
						if err != nil {
							continue
						}
						v = string(b)
					}
					vars[m.Content[j].Value] = v
					dep.SubstituteAt[m.Content[j].Value] = render.NodeLocation(c.file, m.Content[j+1])
				}
			}
		}
		dep.Deps = append(dep.Deps, c.file)
	}
	if s := child(pb, "substitute"); s != nil && s.Kind == yaml.MappingNode {
		for j := 0; j+1 < len(s.Content); j += 2 {
			vars[s.Content[j].Value] = s.Content[j+1].Value
			dep.SubstituteAt[s.Content[j].Value] = render.NodeLocation(d.obj.File, s.Content[j+1])
		}
	}
	dep.Substitute = vars // Flux substitutes (defaults, unset variables) even without variables
}

// artifactPath maps a path in an ExternalArtifact made by an
// ArtifactGenerator of the repository (Flux's monorepo layout) to the
// folder of this repository that the generator copies there: ./production
// of an artifact made of "@monorepo/apps/production/**" -> "@artifact/production/"
// is apps/production. It records the problem when it cannot.
func (r *resolver) artifactPath(d *doc, src sourceRef, p string) (string, bool) {
	for _, g := range r.idx.artifactGens {
		if g.obj.Namespace != src.ns && g.obj.Namespace != "" {
			continue
		}
		spec := child(g.obj.Node, "spec")
		for _, a := range items(spec, "artifacts") {
			if str(a, "name") != src.name {
				continue
			}
			r.used = append(r.used, g.obj.File)
			for _, c := range items(a, "copy") {
				from, to := str(c, "from"), str(c, "to")
				alias, fromDir, _ := strings.Cut(strings.TrimPrefix(from, "@"), "/")
				fromDir = strings.TrimSuffix(strings.TrimSuffix(fromDir, "/**"), "/*")
				toDir := strings.Trim(strings.TrimPrefix(to, "@artifact"), "/")
				rest, ok := strings.CutPrefix(p, toDir)
				if toDir == "" {
					rest, ok = "/"+p, true
				}
				if !ok || rest != "" && !strings.HasPrefix(rest, "/") || strings.ContainsAny(fromDir, "*?[") {
					continue
				}
				for _, s := range items(spec, "sources") {
					if str(s, "alias") != alias {
						continue
					}
					gs := sourceRef{kind: str(s, "kind"), name: str(s, "name"), ns: str(s, "namespace"), path: src.path}
					if gs.ns == "" {
						gs.ns = g.obj.Namespace
					}
					if gs.kind != "GitRepository" {
						r.problem(d, NotRendered, src.path, "the manifests come from %s through ExternalArtifact %s, which is not fetched, so they are not linted; lint its own repository", gs, src.name)
						return "", false
					}
					if !r.gitRepo(d, gs, "the path") {
						return "", false
					}
					return cleanPath(path.Join(fromDir, rest)), true
				}
			}
		}
	}
	r.problem(d, NotRendered, src.path, "%s is not made from this repository by an ArtifactGenerator in it, so it is not linted; lint its own repository", src)
	return "", false
}
