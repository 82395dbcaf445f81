package lint

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/prodlint/prodlint/render"
)

// commitSHA matches an abbreviated or full Git commit hash.
var commitSHA = regexp.MustCompile(`^[0-9a-fA-F]{7,40}$`)

// versionTag matches a tag-like version: v1, 1.4.2, v2.0.0-rc.1, 1.0.0+build,
// and the component tags of monorepo release tools (orders-v1.8.2,
// payments/v2.4.0, api@1.2.3), which have a full version (release/1.2 is
// a branch).
var versionTag = regexp.MustCompile(`^([vV]?\d+(\.\d+)*|.*[-_/@][vV]?\d+\.\d+\.\d+)([-+][0-9A-Za-z.+-]+)?$`)

// gitopsTargetRevisionUnpinned reports Argo CD Applications (and
// ApplicationSet templates) deploying to production from a Git source whose
// targetRevision is a branch (or unset, or HEAD, the default branch) or a
// version range, rather than a tag or a commit. Helm repository charts are
// left to gitops-chart-version-unpinned, OCI sources (oci://) are not Git.
var _ = Register(&Rule{
	ID:       "gitops-target-revision-unpinned",
	Severity: Warning,
	Summary:  "Production Argo CD Application tracks a Git branch instead of a tag or commit",
	Rationale: "An Application whose `targetRevision` is a branch (or unset, or `HEAD`, the " +
		"default branch) deploys every commit merged to that branch as soon as Argo CD sees it: " +
		"production gets changes without a release step, two clusters synced at different times " +
		"run different code, and rolling back means reverting in Git under pressure. Production " +
		"is recognized by the destination namespace, cluster name or server, the project or the " +
		"Application name (`prod`, `production` as a word).",
	Remediation: "Point production at a release tag or a commit SHA and promote by changing it " +
		"in a reviewed commit; keep branch tracking for development and staging.\n\n" +
		"```yaml\n" +
		"apiVersion: argoproj.io/v1alpha1\n" +
		"kind: Application\n" +
		"spec:\n" +
		"  project: payments\n" +
		"  source:\n" +
		"    repoURL: https://github.com/example/deploy.git\n" +
		"    path: apps/payments\n" +
		"    targetRevision: v1.8.3\n" +
		"  destination:\n" +
		"    name: prod-eu\n" +
		"    namespace: payments\n" +
		"```",
	Tags: []string{"gitops", "reliability"},
	Check: func(p *Pass) {
		app, ok := argoAppSpec(p.Object)
		if !ok {
			return
		}
		prod := app.production(p.Env.GitOps)
		reported := map[string]bool{}
		if prod {
			for _, s := range gitSources(app) {
				rev := strings.TrimSpace(s.str("targetRevision"))
				if msg, bad := revisionProblem(rev, ""); bad {
					p.Report(revisionPath(p, s), "%s", msg)
					reported[s.Path.String()] = true
				}
			}
		}
		// The Applications an ApplicationSet generates: a templated
		// revision or destination is known for each of them.
		if p.Env.GitOps.Generated == nil || !isArgo(p.Object, "ApplicationSet") {
			return
		}
		for _, g := range p.Env.GitOps.Generated(p.Object) {
			gen := argoApp{Spec: asMap(g.Raw["spec"]), Path: app.Path, Names: []string{g.Name}}
			if gen.Spec == nil || !gen.production(p.Env.GitOps) {
				continue
			}
			for _, s := range gitSources(gen) {
				if reported[s.Path.String()] {
					continue
				}
				rev := strings.TrimSpace(s.str("targetRevision"))
				if msg, bad := revisionProblem(rev, g.Name); bad {
					p.Report(revisionPath(p, s), "%s", msg)
				}
			}
		}
	},
})

// gitSources returns the Git sources of an application: not Helm
// repository charts (gitops-chart-version-unpinned) nor OCI sources.
func gitSources(app argoApp) []argoSource {
	var out []argoSource
	for _, s := range app.sources() {
		if !s.helmChart() && !strings.HasPrefix(strings.ToLower(s.str("repoURL")), "oci://") {
			out = append(out, s)
		}
	}
	return out
}

// revisionPath is where a source's targetRevision is, or would be.
func revisionPath(p *Pass, s argoSource) render.Path {
	return presentPath(p.Object.Raw, s.Path.Key("targetRevision"))
}

// revisionProblem returns the message for a revision that is not pinned
// (of the generated Application app, when app is set).
func revisionProblem(rev, app string) (string, bool) {
	of := ""
	if app != "" {
		of = " of generated Application " + app
	}
	switch {
	case templated(rev), commitSHA.MatchString(rev), versionTag.MatchString(rev), strings.HasPrefix(rev, "refs/tags/"):
		return "", false
	case rev == "":
		return "targetRevision" + of + " is not set, so a production app tracks the default branch; pin a tag or commit SHA", true
	case rev == "HEAD":
		return "targetRevision \"HEAD\"" + of + " tracks the default branch in a production app; pin a tag or commit SHA", true
	case versionRange(rev):
		return fmt.Sprintf("targetRevision %q%s is a version range, so a production app deploys each matching tag; pin a tag or commit SHA", rev, of), true
	}
	return fmt.Sprintf("targetRevision %q%s looks like a branch, so a production app deploys every merge; pin a tag or commit SHA", rev, of), true
}
