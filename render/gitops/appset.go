package gitops

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/prodlint/prodlint/render"
	"gopkg.in/yaml.v3"
)

// applicationSet resolves the applications of an Argo CD ApplicationSet
// whose generators are lists or Git directories of this repository. Each
// generated application is resolved like an Application, with its template
// nodes (and so the locations of its inline values) in the ApplicationSet.
func (r *resolver) applicationSet(d *doc) {
	spec := child(d.obj.Node, "spec")
	tmpl := child(spec, "template")
	if tmpl == nil {
		return
	}
	goTmpl := str(spec, "goTemplate") == "true"
	var params []map[string]any
	for i, g := range items(spec, "generators") {
		ps, ok := r.generator(d, g, render.Path{}.Key("spec").Key("generators").Index(i))
		if !ok {
			continue
		}
		params = append(params, ps...)
	}
	if len(params) > maxGenerated {
		r.note(d.obj.File, "ApplicationSet %s generates %d applications; the first %d are rendered", d.obj.Name, len(params), maxGenerated)
		params = params[:maxGenerated]
	}
	seen := map[string]bool{}
	for _, p := range params {
		app := render.CloneNode(tmpl)
		substitute(app, p, goTmpl)
		name := str(app, "metadata", "name")
		switch {
		case name == "" || strings.Contains(name, "{{"):
			r.note(d.obj.File, "ApplicationSet %s: the name of an application is still a template (%q); it is not rendered", d.obj.Name, name)
			continue
		case seen[name]:
			r.problem(d, Missing, render.Path{}.Key("spec").Key("template").Key("metadata").Key("name"), "ApplicationSet %s generates two applications named %s, which Argo CD refuses; make the name unique per element", d.obj.Name, name)
			continue
		}
		seen[name] = true
		k := objKey{d.obj.File, d.obj.Kind, d.obj.Name}
		r.plan.generated[k] = append(r.plan.generated[k], Generated{Name: name, Node: app})
		r.appSpec(d, app, render.Path{}.Key("spec").Key("template"), name, fmt.Sprintf("Application %s (ApplicationSet %s)", name, d.obj.Name))
	}
}

// maxGenerated bounds the applications of one ApplicationSet that are
// rendered, so that a generator of thousands of elements ends in a note
// instead of thousands of renders.
const maxGenerated = 500

// generator returns the parameter sets of one generator, or false (with a
// note) for a generator prodlint cannot evaluate offline.
func (r *resolver) generator(d *doc, g *yaml.Node, gp render.Path) ([]map[string]any, bool) {
	if l := child(g, "list"); l != nil {
		var out []map[string]any
		for _, e := range items(l, "elements") {
			var m map[string]any
			if e.Decode(&m) == nil {
				out = append(out, m)
			}
		}
		return out, true
	}
	if gg := child(g, "git"); gg != nil && (len(items(gg, "directories")) > 0 || len(items(gg, "files")) > 0) {
		if !r.isThisRepo(str(gg, "repoURL")) {
			r.problem(d, NotRendered, gp.Key("git").Key("repoURL"), "%s", r.notThisRepo(str(gg, "repoURL")))
			return nil, false
		}
		if len(items(gg, "files")) > 0 {
			return r.gitFiles(d, gg), true
		}
		return r.gitDirectories(d, gg), true
	}
	if m := child(g, "matrix"); m != nil {
		gs := items(m, "generators")
		if len(gs) != 2 {
			r.note(d.obj.File, "ApplicationSet %s: a matrix generator needs two generators; its applications are not rendered", d.obj.Name)
			return nil, false
		}
		a, ok := r.generator(d, gs[0], gp.Key("matrix").Key("generators").Index(0))
		if !ok {
			return nil, false
		}
		b, ok := r.generator(d, gs[1], gp.Key("matrix").Key("generators").Index(1))
		if !ok {
			return nil, false
		}
		var out []map[string]any
		for _, pa := range a {
			for _, pb := range b {
				out = append(out, mergeParams(pa, pb))
				if len(out) > maxGenerated {
					return out, true
				}
			}
		}
		return out, true
	}
	kind := "unknown"
	if g.Kind == yaml.MappingNode && len(g.Content) > 0 {
		kind = g.Content[0].Value
	}
	r.note(d.obj.File, "ApplicationSet %s: the %s generator is not evaluated offline; its applications are not rendered", d.obj.Name, kind)
	return nil, false
}

// gitDirectories evaluates a Git directories generator over this
// repository.
func (r *resolver) gitDirectories(d *doc, g *yaml.Node) []map[string]any {
	dirs := map[string]bool{}
	for _, e := range items(g, "directories") {
		pat := strings.TrimPrefix(path.Clean("./"+str(e, "path")), "./")
		matches, err := fs.Glob(r.fsys, pat)
		if err != nil {
			r.note(d.obj.File, "ApplicationSet %s: directory pattern %q: %v", d.obj.Name, pat, err)
		}
		for _, m := range matches {
			if fi, err := fs.Stat(r.fsys, m); err != nil || !fi.IsDir() || strings.HasPrefix(path.Base(m), ".") {
				continue
			}
			// An exclude wins over any include, whatever the order.
			if str(e, "exclude") == "true" {
				dirs[m] = false
			} else if _, seen := dirs[m]; !seen {
				dirs[m] = true
			}
		}
	}
	var names []string
	for dname, keep := range dirs {
		if keep {
			names = append(names, dname)
		}
	}
	sort.Strings(names)
	var out []map[string]any
	for _, p := range names {
		segs := strings.Split(p, "/")
		base := path.Base(p)
		norm := nonAlnum.ReplaceAllString(base, "-")
		m := map[string]any{
			"path":                    p,
			"path.path":               p,
			"path.basename":           base,
			"path.basenameNormalized": norm,
		}
		for i, s := range segs {
			m["path["+strconv.Itoa(i)+"]"] = s
		}
		segsAny := make([]any, len(segs))
		for i, s := range segs {
			segsAny[i] = s
		}
		// The goTemplate form: .path.path, .path.basename, .path.segments.
		m["\x00go"] = map[string]any{"path": map[string]any{"path": p, "basename": base, "basenameNormalized": norm, "segments": segsAny}}
		out = append(out, m)
	}
	return out
}

var nonAlnum = regexp.MustCompile(`[^a-zA-Z0-9-]`)

// gitFiles evaluates a Git files generator over this repository: the
// fields of each matching JSON or YAML file, and its path.
func (r *resolver) gitFiles(d *doc, g *yaml.Node) []map[string]any {
	files := map[string]bool{}
	for _, e := range items(g, "files") {
		pat := strings.TrimPrefix(path.Clean("./"+str(e, "path")), "./")
		matches, err := fs.Glob(r.fsys, pat)
		if err != nil {
			r.note(d.obj.File, "ApplicationSet %s: file pattern %q: %v", d.obj.Name, pat, err)
		}
		for _, m := range matches {
			if str(e, "exclude") == "true" {
				files[m] = false
			} else if _, seen := files[m]; !seen {
				files[m] = true
			}
		}
	}
	var names []string
	for f, keep := range files {
		if keep {
			names = append(names, f)
		}
	}
	sort.Strings(names)
	var out []map[string]any
	for _, f := range names {
		b, err := fs.ReadFile(r.fsys, f)
		if err != nil || render.TooBig(b) != "" {
			continue
		}
		var content map[string]any
		if yaml.Unmarshal(b, &content) != nil || content == nil {
			r.note(d.obj.File, "ApplicationSet %s: %s is not a YAML or JSON object; it generates no application", d.obj.Name, f)
			continue
		}
		content, _ = render.Normalize(content).(map[string]any)
		dir := path.Dir(f)
		segs := strings.Split(dir, "/")
		segsAny := make([]any, len(segs))
		for i, s := range segs {
			segsAny[i] = s
		}
		pathParams := map[string]any{
			"path": dir, "basename": path.Base(dir), "filename": path.Base(f),
			"basenameNormalized": nonAlnum.ReplaceAllString(path.Base(dir), "-"),
			"filenameNormalized": nonAlnum.ReplaceAllString(path.Base(f), "-"),
			"segments":           segsAny,
		}
		m := map[string]any{}
		for k, v := range content {
			m[k] = v
		}
		m["path"] = dir
		for k, v := range pathParams {
			if k != "path" && k != "segments" {
				m["path."+k] = v
			}
		}
		for i, s := range segs {
			m["path["+strconv.Itoa(i)+"]"] = s
		}
		goCtx := map[string]any{}
		for k, v := range content {
			goCtx[k] = v
		}
		goCtx["path"] = pathParams
		m["\x00go"] = goCtx
		out = append(out, m)
	}
	return out
}

// mergeParams combines the parameters of the two generators of a matrix.
func mergeParams(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if k == "\x00go" {
			continue
		}
		out[k] = v
	}
	ga, _ := a["\x00go"].(map[string]any)
	gb, _ := b["\x00go"].(map[string]any)
	if ga != nil || gb != nil {
		g := map[string]any{}
		for _, src := range []map[string]any{a, ga, b, gb} {
			for k, v := range src {
				if k != "\x00go" && !strings.ContainsAny(k, ".[") {
					g[k] = v
				}
			}
		}
		out["\x00go"] = g
	}
	return out
}

// Placeholders of ApplicationSet templates.
var (
	fastPlaceholder = regexp.MustCompile(`\{\{\s*([^{}\s]+)\s*\}\}`)
	goPlaceholder   = regexp.MustCompile(`\{\{-?\s*\.([A-Za-z0-9_.]+)\s*-?\}\}`)
)

// substitute replaces the placeholders of the parameters p in every scalar
// of n; placeholders it cannot evaluate stay as they are.
func substitute(n *yaml.Node, p map[string]any, goTmpl bool) {
	var replace func(string) string
	if goTmpl {
		ctx := p
		if g, ok := p["\x00go"].(map[string]any); ok {
			ctx = g
		}
		replace = func(m string) string {
			keys := strings.Split(goPlaceholder.FindStringSubmatch(m)[1], ".")
			var cur any = ctx
			for _, k := range keys {
				mm, ok := cur.(map[string]any)
				if !ok {
					return m
				}
				if cur, ok = mm[k]; !ok {
					return m
				}
			}
			return scalarString(cur, m)
		}
	} else {
		flat := map[string]any{} // once per parameter set, not per scalar
		flatten("", p, flat)
		replace = func(m string) string {
			if v, ok := flat[fastPlaceholder.FindStringSubmatch(m)[1]]; ok {
				return scalarString(v, m)
			}
			return m
		}
	}
	placeholder := fastPlaceholder
	if goTmpl {
		placeholder = goPlaceholder
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil {
			return
		}
		if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "{{") {
			n.Value = placeholder.ReplaceAllStringFunc(n.Value, replace)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
}

// flatten turns nested parameters into dotted keys (values.size).
func flatten(prefix string, m map[string]any, out map[string]any) {
	for k, v := range m {
		if k == "\x00go" {
			continue
		}
		if mm, ok := v.(map[string]any); ok {
			flatten(prefix+k+".", mm, out)
			continue
		}
		out[prefix+k] = v
	}
}

func scalarString(v any, orig string) string {
	switch v := v.(type) {
	case string:
		return v
	case int, int64, float64, bool:
		return fmt.Sprint(v)
	}
	return orig
}
