package lint

import "github.com/prodlint/prodlint/render"

// deprecatedAPIVersion reports objects whose API version and kind is
// deprecated, but still served, in the Kubernetes version linted for (see
// apiChanges). Removed ones are left to removed-api-version.
var _ = Register(&Rule{
	ID:       "deprecated-api-version",
	Severity: Warning,
	Summary:  "Object uses a deprecated API version",
	Rationale: "A deprecated API version still works, with a warning on every apply, until the " +
		"Kubernetes release that removes it; from then on the manifests fail to apply and the " +
		"release is stuck until they are migrated. Migrating before the cluster upgrade keeps " +
		"the upgrade a non-event. The version linted for is `--kube-version` (1.34 by default).",
	Remediation: "Move to the replacement named in the message before the cluster is upgraded " +
		"to the version that removes the old one.\n\n" +
		"```yaml\n" +
		"apiVersion: autoscaling/v2\n" +
		"kind: HorizontalPodAutoscaler\n" +
		"```",
	Tags: []string{"compatibility"},
	Check: func(p *Pass) {
		c, ok := lookupAPIChange(p.Object.APIVersion, p.Object.Kind)
		minor := kubeMinor(p.Env)
		if !ok || minor < c.deprecated || (c.removed != 0 && minor >= c.removed) {
			return
		}
		path := render.Path{}.Key("apiVersion")
		if c.removed == 0 {
			p.Report(path, "%s %s is deprecated since Kubernetes 1.%d; use %s", c.apiVersion, c.kind, c.deprecated, c.use(minor))
			return
		}
		p.Report(path, "%s %s is deprecated since Kubernetes 1.%d and removed in 1.%d; use %s",
			c.apiVersion, c.kind, c.deprecated, c.removed, c.use(minor))
	},
})
