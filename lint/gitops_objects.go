package lint

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/prodlint/prodlint/render"
	"github.com/prodlint/prodlint/render/gitops"
)

// This file holds the helpers the rules about GitOps objects share: reading
// Argo CD Applications, ApplicationSets and AppProjects, and Flux
// HelmReleases, Kustomizations and sources from their raw form. The rules
// match API groups, not versions, so that every served version of a kind
// (HelmRelease v2beta1, v2beta2 and v2) is linted alike.

// API groups of the GitOps objects (render/gitops reads the same objects).
const (
	fluxHelmGroup      = gitops.FluxHelmGroup
	fluxKustomizeGroup = gitops.FluxKustomizeGroup
	fluxSourceGroup    = gitops.FluxSourceGroup
)

// fluxSourceKinds are the Flux sources that fetch from a URL.
var fluxSourceKinds = []string{"GitRepository", "HelmRepository", "OCIRepository", "Bucket"}

// isArgo reports whether o is an Argo CD object of one of kinds, and isFlux
// whether o is of a Flux group and one of kinds (any kind when none).
var (
	isArgo = gitops.IsArgo
	isFlux = gitops.IsFlux
)

// argoApp is the Application spec of an Argo CD Application, or the
// template of the Applications an ApplicationSet generates.
type argoApp struct {
	// Spec is the raw Application spec.
	Spec map[string]any
	// Path is the path of Spec in the object: spec, or spec.template.spec
	// for an ApplicationSet.
	Path render.Path
	// Names are the names the Applications go by: an Application's name,
	// or an ApplicationSet's name and its template's name.
	Names []string
}

// argoAppSpec returns the Application spec of an Argo CD Application or
// ApplicationSet; ok is false for other objects and when there is no spec.
func argoAppSpec(o *render.Object) (app argoApp, ok bool) {
	switch {
	case isArgo(o, "Application"):
		app.Path = render.Path{}.Key("spec")
		app.Names = []string{o.Name}
	case isArgo(o, "ApplicationSet"):
		app.Path = render.Path{}.Key("spec").Key("template").Key("spec")
		app.Names = []string{o.Name, rawString(o.Raw, "spec", "template", "metadata", "name")}
	default:
		return app, false
	}
	app.Spec = asMap(rawAtPath(o.Raw, app.Path))
	return app, app.Spec != nil
}

// argoSource is one source of an Argo CD Application.
type argoSource struct {
	// Raw is the raw source (repoURL, targetRevision, chart, path, ...).
	Raw map[string]any
	// Path is the path of the source in the object: spec.source or
	// spec.sources[i] (below spec.template for an ApplicationSet).
	Path render.Path
}

// str returns a scalar field of the source (see scalarString), or "".
func (s argoSource) str(key string) string {
	v, _ := scalarString(s.Raw[key])
	return v
}

// helmChart reports whether the source is a chart of a Helm repository
// (it names a chart), whose targetRevision is a chart version, not a Git
// revision.
func (s argoSource) helmChart() bool {
	_, ok := s.Raw["chart"]
	return ok
}

// sources returns the sources of an Application spec: spec.sources when it
// has any (Argo CD then ignores spec.source), else spec.source.
func (a argoApp) sources() []argoSource {
	var out []argoSource
	list, _ := a.Spec["sources"].([]any)
	for i, s := range list {
		if m := asMap(s); m != nil {
			out = append(out, argoSource{Raw: m, Path: a.Path.Key("sources").Index(i)})
		}
	}
	if len(list) > 0 {
		return out
	}
	if m := asMap(a.Spec["source"]); m != nil {
		out = append(out, argoSource{Raw: m, Path: a.Path.Key("source")})
	}
	return out
}

// argoSources returns the sources of an Argo CD Application or of an
// ApplicationSet's template (see argoApp.sources), none for other objects.
func argoSources(o *render.Object) []argoSource {
	app, ok := argoAppSpec(o)
	if !ok {
		return nil
	}
	return app.sources()
}

// production reports whether the Applications of app deploy to production
// (GitOpsEnv.IsProduction): by destination namespace, cluster name or
// server, project or Application name. Template expressions of an
// ApplicationSet ({{cluster}}) are unknown and left out of the names.
func (a argoApp) production(g GitOpsEnv) bool {
	names := []string{
		rawString(a.Spec, "destination", "namespace"),
		rawString(a.Spec, "destination", "name"),
		rawString(a.Spec, "destination", "server"),
		rawString(a.Spec, "project"),
	}
	names = append(names, a.Names...)
	for i, n := range names {
		names[i] = untemplated(n)
	}
	return g.IsProduction(names...)
}

// templateExpr matches a template expression of an ApplicationSet
// ({{cluster}}, {{ .path.basename }}).
var templateExpr = regexp.MustCompile(`\{\{.*?\}\}`)

// templated reports whether a value holds a template expression, whose
// value is only known when the ApplicationSet generates Applications:
// rules never report such a value.
func templated(s string) bool { return strings.Contains(s, "{{") }

// untemplated returns s with its template expressions blanked out.
func untemplated(s string) string { return templateExpr.ReplaceAllString(s, " ") }

// scalarString returns a raw scalar as a string: a string as is, a number
// or boolean formatted (a YAML targetRevision: 1.2 is a number). ok is
// false for a missing or null value, a mapping or a list.
func scalarString(v any) (s string, ok bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case bool:
		return strconv.FormatBool(v), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	}
	if n, isInt := rawInt(v); isInt {
		return strconv.FormatInt(n, 10), true
	}
	return "", false
}

// rawTrue reports whether a raw value is the boolean true.
func rawTrue(v any) bool {
	b, ok := v.(bool)
	return ok && b
}

// rawAtPath returns the raw value at path p (mapping keys and list
// indexes) in raw, or nil.
func rawAtPath(raw map[string]any, p render.Path) any {
	var cur any = raw
	for _, s := range p {
		switch {
		case s.IsKey:
			m, ok := cur.(map[string]any)
			if !ok {
				return nil
			}
			cur = m[s.Key]
		case s.Match == "":
			l, ok := cur.([]any)
			if !ok || s.Index < 0 || s.Index >= len(l) {
				return nil
			}
			cur = l[s.Index]
		default:
			return nil
		}
		if cur == nil {
			return nil
		}
	}
	return cur
}

// presentPath returns the longest prefix of p that exists in raw: the path
// of a field when it is set, else of its closest existing parent, where a
// finding about the missing field is shown.
func presentPath(raw map[string]any, p render.Path) render.Path {
	for n := len(p); n > 0; n-- {
		if rawAtPath(raw, p[:n]) != nil {
			return p[:n]
		}
	}
	return render.Path{}
}

// versionRange reports whether a chart version or revision is a semantic
// version range rather than one version: *, an x wildcard (1.x, 1.2.X), a
// comparison (>=1.0.0, <2, !=1.3.0), a tilde or caret range (~1.2, ^2), a
// hyphen range (1.0 - 2.0), or several constraints (">=1, <2", "1.x || 2.x").
func versionRange(v string) bool {
	if strings.ContainsAny(v, "*^~<>!|,") || strings.Contains(v, " - ") {
		return true
	}
	for _, part := range strings.Fields(v) {
		core := strings.TrimLeft(part, "=vV")
		if i := strings.IndexAny(core, "-+"); i >= 0 {
			core = core[:i]
		}
		for _, c := range strings.Split(core, ".") {
			if c == "x" || c == "X" {
				return true
			}
		}
	}
	return false
}
