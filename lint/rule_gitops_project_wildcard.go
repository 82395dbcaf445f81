package lint

import (
	"strings"

	"github.com/prodlint/prodlint/render"
)

// gitopsProjectWildcard reports Argo CD AppProjects that restrict nothing:
// a "*" source repository, a destination of any cluster and any namespace,
// or a cluster resource whitelist of every group and kind. Each offending
// entry is reported.
var _ = Register(&Rule{
	ID:       "gitops-project-wildcard",
	Severity: Warning,
	Summary:  "Argo CD AppProject allows any repository, destination or cluster resource",
	Rationale: "An AppProject is the security boundary of the Applications in it. `sourceRepos: " +
		"['*']` lets them deploy from any repository, including a fork or a typo-squatted one; a " +
		"destination with server or name `*` and namespace `*` lets them deploy to every " +
		"namespace of every cluster Argo CD manages, `kube-system` included; and a " +
		"`clusterResourceWhitelist` of group `*` and kind `*` lets them create ClusterRoles, " +
		"ClusterRoleBindings, admission webhooks and CRDs, which is cluster admin.",
	Remediation: "List the repositories, destinations and cluster-scoped kinds the project's " +
		"Applications need; a repository prefix (`https://github.com/example/*`) is a pattern, " +
		"not a wildcard, and is not reported.\n\n" +
		"```yaml\n" +
		"apiVersion: argoproj.io/v1alpha1\n" +
		"kind: AppProject\n" +
		"spec:\n" +
		"  sourceRepos:\n" +
		"    - https://github.com/example/deploy.git\n" +
		"  destinations:\n" +
		"    - name: prod-eu\n" +
		"      namespace: payments\n" +
		"  clusterResourceWhitelist:\n" +
		"    - group: \"\"\n" +
		"      kind: Namespace\n" +
		"```",
	Tags:             []string{"gitops", "security"},
	SecuritySeverity: 6.0,
	Check: func(p *Pass) {
		o := p.Object
		if !isArgo(o, "AppProject") {
			return
		}
		spec := render.Path{}.Key("spec")
		repos, _ := rawAt(o.Raw, "spec", "sourceRepos").([]any)
		for i, r := range repos {
			if s, _ := r.(string); strings.TrimSpace(s) == "*" {
				p.Report(spec.Key("sourceRepos").Index(i), `sourceRepos contains "*", so the project's apps may deploy from any repository; list the allowed repositories`)
			}
		}
		dests, _ := rawAt(o.Raw, "spec", "destinations").([]any)
		for i, d := range dests {
			m := asMap(d)
			if rawString(m, "namespace") != "*" {
				continue
			}
			for _, key := range []string{"server", "name"} {
				if rawString(m, key) == "*" {
					p.Report(spec.Key("destinations").Index(i).Key(key), `destination %s "*" with namespace "*" allows every namespace of every cluster; list the allowed destinations`, key)
					break
				}
			}
		}
		whitelist, _ := rawAt(o.Raw, "spec", "clusterResourceWhitelist").([]any)
		for i, w := range whitelist {
			m := asMap(w)
			if rawString(m, "group") == "*" && rawString(m, "kind") == "*" {
				p.Report(spec.Key("clusterResourceWhitelist").Index(i).Key("kind"), `clusterResourceWhitelist allows every cluster-scoped resource (group and kind "*"); list the kinds the apps need`)
			}
		}
	},
})
