package gitops

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
)

// application resolves an Argo CD Application.
func (r *resolver) application(d *doc) {
	r.appSpec(d, d.obj.Node, render.Path{}, d.obj.Name, "Application "+d.obj.Name)
}

// appSpec resolves the spec of an application: app is the node holding
// metadata and spec (the Application, or an ApplicationSet's generated
// template), base the object path of app in d's object, name the
// application's name and variant the name of its variants.
func (r *resolver) appSpec(d *doc, app *yaml.Node, base render.Path, name, variant string) {
	spec := child(app, "spec")
	specPath := base.Key("spec")
	dest := str(spec, "destination", "namespace")
	type src struct {
		node *yaml.Node
		path render.Path
	}
	var srcs []src
	// Argo CD reads spec.sources when it has any, else spec.source.
	for i, s := range items(spec, "sources") {
		srcs = append(srcs, src{s, specPath.Key("sources").Index(i)})
	}
	if s := child(spec, "source"); s != nil && len(srcs) == 0 {
		srcs = append(srcs, src{s, specPath.Key("source")})
	}
	// Refs of multi-source applications ($values) that are this
	// repository.
	refs := map[string]bool{}
	for _, s := range srcs {
		if ref := str(s.node, "ref"); ref != "" {
			refs[ref] = r.isThisRepo(str(s.node, "repoURL"))
		}
	}
	for _, s := range srcs {
		repo := str(s.node, "repoURL")
		if strings.Contains(repo+str(s.node, "path")+str(s.node, "chart"), "{{") {
			// An ApplicationSet placeholder prodlint cannot evaluate (a
			// function, a generator it does not run).
			r.note(d.obj.File, "%s: the source of %s is still a template (%s); it is not rendered", variant, name, strings.TrimSpace(repo+" "+str(s.node, "path")))
			continue
		}
		if chart := str(s.node, "chart"); chart != "" {
			r.problem(d, NotRendered, s.path.Key("chart"), "chart %s from %s is not fetched, so what %s deploys is not linted; lint the chart's repository", chart, repo, name)
			continue
		}
		if child(s.node, "path") == nil && str(s.node, "ref") != "" {
			continue // a ref-only source ($values)
		}
		if !r.isThisRepo(repo) {
			r.problem(d, NotRendered, s.path.Key("repoURL"), "%s", r.notThisRepo(repo))
			continue
		}
		if child(s.node, "plugin") != nil {
			r.problem(d, NotRendered, s.path.Key("plugin"), "a config management plugin renders %s and prodlint does not run plugins, so it is not linted; lint the plugin's output", name)
			continue
		}
		dir := cleanPath(str(s.node, "path"))
		if dir == "" {
			r.problem(d, Missing, s.path.Key("path"), "path %q leaves the repository; use a path relative to the repository root", str(s.node, "path"))
			continue
		}
		kind := r.kindAt(dir)
		if kind == "" {
			r.problem(d, Missing, s.path.Key("path"), "path %s does not exist in this repository; fix the path or add the folder", dir)
			continue
		}
		dep := r.newDeployment(d, variant, app.Line)
		dep.Namespace = dest
		if len(srcs) > 1 {
			dep.Name = fmt.Sprintf("%s (source %s)", variant, dir)
		}
		recurse := false
		switch kind {
		case render.Helm:
			r.argoHelm(d, s.node, s.path, dir, name, refs, dep)
		case render.Kustomize:
			r.argoKustomize(d, s.node, s.path, dir, dep)
		case render.Plain:
			recurse = str(s.node, "directory", "recurse") == "true"
		}
		if !r.deploy(kind, dir, recurse, dep) && under(dir, r.opts.Under) {
			r.note(d.obj.File, "%s deploys %s, which has nothing to render", variant, dir)
		}
	}
}

// argoHelm fills dep from the helm options of an Application source.
func (r *resolver) argoHelm(d *doc, s *yaml.Node, sp render.Path, dir, name string, refs map[string]bool, dep *render.Deployment) {
	h := child(s, "helm")
	hp := sp.Key("helm")
	dep.ReleaseName = str(h, "releaseName")
	if dep.ReleaseName == "" {
		dep.ReleaseName = name
	}
	ignoreMissing := str(h, "ignoreMissingValueFiles") == "true"
	for i, f := range items(h, "valueFiles") {
		fp := hp.Key("valueFiles").Index(i)
		v := f.Value
		var file string
		if strings.HasPrefix(v, "$") {
			ref, rest, _ := strings.Cut(strings.TrimPrefix(v, "$"), "/")
			this, known := refs[ref]
			switch {
			case !known:
				r.problem(d, Missing, fp, "values file %s names the source ref %q, which no source of the application declares; add the ref", v, ref)
				continue
			case !this:
				r.problem(d, NotRendered, fp, "values file %s is in another repository and is not read; the release is rendered without it", v)
				continue
			}
			file = cleanPath(rest)
		} else if strings.Contains(v, "://") {
			r.problem(d, NotRendered, fp, "values file %s is fetched over the network and is not read; the release is rendered without it", v)
			continue
		} else {
			file = cleanPath(path.Join(dir, v))
		}
		if file == "" || !r.exists(file) {
			if !ignoreMissing {
				r.problem(d, Missing, fp, "values file %s does not exist in this repository; fix the path or set ignoreMissingValueFiles", v)
			}
			continue
		}
		dep.Values = append(dep.Values, render.ValuesLayer{File: file})
		dep.Deps = append(dep.Deps, file)
	}
	// valuesObject replaces values (Argo CD uses one or the other).
	if vo := child(h, "valuesObject"); vo != nil && vo.Kind == yaml.MappingNode {
		dep.Values = append(dep.Values, render.ValuesLayer{File: d.obj.File, Node: vo, Origins: d.origins})
	} else if v := child(h, "values"); v != nil {
		if l, ok := r.embedded(d, v, hp.Key("values")); ok {
			dep.Values = append(dep.Values, l)
		}
	}
	var params []setValue
	for _, p := range items(h, "parameters") {
		if k := child(p, "name"); k != nil && k.Value != "" {
			params = append(params, setValue{name: k, value: child(p, "value"), forceString: str(p, "forceString") == "true"})
		}
	}
	if len(params) > 0 {
		if l, err := setLayer(d.obj.File, params); err != nil {
			r.problem(d, Missing, hp.Key("parameters"), "parameters: %v; fix the parameter", err)
		} else {
			dep.Values = append(dep.Values, l)
		}
	}
}

// embedded turns a values string (or mapping) of a GitOps object into a
// values layer placed in the object's file.
func (r *resolver) embedded(d *doc, v *yaml.Node, p render.Path) (render.ValuesLayer, bool) {
	if v.Kind == yaml.MappingNode {
		return render.ValuesLayer{File: d.obj.File, Node: v}, true
	}
	if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
		return render.ValuesLayer{}, false
	}
	n, err := render.ParseEmbedded(v, d.lines)
	if err != nil {
		r.problem(d, Missing, p, "values are not valid YAML (%v); fix them", err)
		return render.ValuesLayer{}, false
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return render.ValuesLayer{}, false
	}
	return render.ValuesLayer{File: d.obj.File, Node: n}, true
}

// argoImage is Argo CD's kustomize image override:
// [old=]new[:tag][@digest].
var argoImage = regexp.MustCompile(`^(?:([^=]+)=)?([^:@]+(?::\d+/[^:@]+)?)(?::([^@]+))?(?:@(.+))?$`)

// argoKustomize fills dep from the kustomize options of an Application
// source.
func (r *resolver) argoKustomize(d *doc, s *yaml.Node, sp render.Path, dir string, dep *render.Deployment) {
	k := child(s, "kustomize")
	if k == nil {
		return
	}
	ov := &render.KustomizeOverlay{File: d.obj.File, Lines: d.lines}
	for _, f := range []string{"namespace", "namePrefix", "nameSuffix", "commonLabels", "commonAnnotations", "patches", "components", "replicas"} {
		if n := child(k, f); n != nil {
			if f == "replicas" {
				n = intCounts(n)
			}
			ov.Fields = append(ov.Fields, render.OverlayField{Key: f, Node: n})
		}
	}
	if imgs := items(k, "images"); len(imgs) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Line: imgs[0].Line, Column: imgs[0].Column}
		for i, img := range imgs {
			m := argoImage.FindStringSubmatch(img.Value)
			if m == nil {
				r.problem(d, Missing, sp.Key("kustomize").Key("images").Index(i), "image override %q is not [old=]new[:tag][@digest]; fix it", img.Value)
				continue
			}
			name, newName := m[1], m[2]
			if name == "" {
				name, newName = newName, ""
			}
			e := mapping(img, "name", name, "newName", newName, "newTag", m[3], "digest", m[4])
			seq.Content = append(seq.Content, e)
			if ov.Widths == nil {
				ov.Widths = map[*yaml.Node]int{}
			}
			ov.Widths[e] = len(img.Value)
		}
		ov.Fields = append(ov.Fields, render.OverlayField{Key: "images", Node: seq})
	}
	if ns := str(k, "namespace"); ns != "" {
		dep.Namespace = ns
	}
	if !ov.Empty() {
		dep.Kustomize = ov
	}
}

// mapping builds a mapping node of string pairs (empty values left out),
// every node at the position of at.
func mapping(at *yaml.Node, kv ...string) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: at.Line, Column: at.Column}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		m.Content = append(m.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: kv[i], Line: at.Line, Column: at.Column},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: kv[i+1], Line: at.Line, Column: at.Column})
	}
	return m
}

// exists reports whether a repository file exists.
func (r *resolver) exists(file string) bool {
	fi, err := fs.Stat(r.fsys, file)
	return err == nil && !fi.IsDir()
}

// intCounts returns the replicas list of Argo CD's kustomize options with
// each count a number: Argo CD takes "3" (a templated count is always a
// string) where kustomize wants 3.
func intCounts(n *yaml.Node) *yaml.Node {
	c := render.CloneNode(n)
	for _, e := range c.Content {
		if v := child(e, "count"); v != nil && v.Kind == yaml.ScalarNode {
			if _, err := strconv.Atoi(strings.TrimSpace(v.Value)); err == nil {
				v.Value, v.Tag, v.Style = strings.TrimSpace(v.Value), "!!int", 0
			}
		}
	}
	return c
}
