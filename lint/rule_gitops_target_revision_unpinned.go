package lint

import (
	"regexp"
	"strings"
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
		if !ok || !app.production(p.Env.GitOps) {
			return
		}
		for _, s := range app.sources() {
			if s.helmChart() || strings.HasPrefix(strings.ToLower(s.str("repoURL")), "oci://") {
				continue
			}
			rev := strings.TrimSpace(s.str("targetRevision"))
			path := s.Path.Key("targetRevision")
			switch {
			case templated(rev), commitSHA.MatchString(rev), versionTag.MatchString(rev), strings.HasPrefix(rev, "refs/tags/"):
			case rev == "":
				p.Report(presentPath(p.Object.Raw, path), "targetRevision is not set, so a production app tracks the default branch; pin a tag or commit SHA")
			case rev == "HEAD":
				p.Report(path, "targetRevision \"HEAD\" tracks the default branch in a production app; pin a tag or commit SHA")
			case versionRange(rev):
				p.Report(path, "targetRevision %q is a version range, so a production app deploys each matching tag; pin a tag or commit SHA", rev)
			default:
				p.Report(path, "targetRevision %q looks like a branch, so a production app deploys every merge; pin a tag or commit SHA", rev)
			}
		}
	},
})
