package lint

import (
	"regexp"
	"strings"

	"github.com/prodlint/prodlint/render"
	"github.com/prodlint/prodlint/render/gitops"
)

// GitOpsEnv is what the rules about GitOps objects (Argo CD Applications,
// ApplicationSets and AppProjects; Flux HelmReleases, Kustomizations and
// sources) know besides the object.
type GitOpsEnv struct {
	// Production matches the destinations that are production: a
	// namespace, cluster name or server, or project. Nil means
	// DefaultProduction.
	Production *regexp.Regexp
	// Problems returns what resolving a GitOps object against the
	// repository found wrong with it: a source that is not rendered (a
	// remote chart, another repository) or that is missing (a path or
	// values file that does not exist). Nil means nothing is known.
	Problems func(*render.Object) []GitOpsProblem
	// Generated returns the Applications an ApplicationSet generates
	// (from its list and Git directories generators). Nil means none are
	// known.
	Generated func(*render.Object) []GeneratedApp
}

// GeneratedApp is an Application an ApplicationSet generates: its name and
// its raw object (metadata and spec).
type GeneratedApp struct {
	Name string
	Raw  map[string]any
}

// DefaultProduction is the default pattern of production destinations: a
// name with "prod" or "production" as a word ("prod", "eu-prod-1",
// "payments-production"), not "nonprod" or "preprod".
var DefaultProduction = regexp.MustCompile(`(^|[^a-z0-9])prod(uction)?([^a-z0-9]|$)`)

// IsProduction reports whether any of the names (a namespace, a cluster
// name or server, a project) looks like production.
func (g GitOpsEnv) IsProduction(names ...string) bool {
	re := g.Production
	if re == nil {
		re = DefaultProduction
	}
	for _, n := range names {
		if n != "" && re.MatchString(strings.ToLower(n)) {
			return true
		}
	}
	return false
}

// GitOpsProblem is a problem found while resolving a GitOps object,
// reported by the rule Rule at Path of the object.
type GitOpsProblem struct {
	Rule    string
	Path    render.Path
	Message string
}

// problems returns the problems of obj that rule id reports.
func (g GitOpsEnv) problems(obj *render.Object, id string) []GitOpsProblem {
	if g.Problems == nil {
		return nil
	}
	var out []GitOpsProblem
	for _, p := range g.Problems(obj) {
		if p.Rule == id {
			out = append(out, p)
		}
	}
	return out
}

// PlanProblems returns the Problems function of a GitOps plan: the problems
// gitops.Resolve found with each GitOps object.
func PlanProblems(plan *gitops.Plan) func(*render.Object) []GitOpsProblem {
	if plan == nil {
		return nil
	}
	return func(o *render.Object) []GitOpsProblem {
		var out []GitOpsProblem
		for _, p := range plan.Problems(o) {
			out = append(out, GitOpsProblem{Rule: p.Rule, Path: p.Path, Message: p.Message})
		}
		return out
	}
}

// PlanGenerated returns the Generated function of a GitOps plan.
func PlanGenerated(plan *gitops.Plan) func(*render.Object) []GeneratedApp {
	if plan == nil {
		return nil
	}
	return func(o *render.Object) []GeneratedApp {
		var out []GeneratedApp
		for _, g := range plan.Generated(o) {
			var raw map[string]any
			if g.Node.Decode(&raw) == nil {
				out = append(out, GeneratedApp{Name: g.Name, Raw: raw})
			}
		}
		return out
	}
}
