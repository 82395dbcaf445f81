package lint

import "github.com/prodlint/prodlint/render"

// removedAPIVersion reports objects whose API version and kind the
// Kubernetes version linted for no longer serves (see apiChanges).
var _ = Register(&Rule{
	ID:       "removed-api-version",
	Severity: Error,
	Summary:  "Object uses an API version that Kubernetes no longer serves",
	Rationale: "The API server rejects objects of an API version it no longer serves: the " +
		"deploy fails (`no matches for kind ... in version ...`), and on an upgrade the " +
		"release can no longer be changed or rolled back until its manifests are migrated. " +
		"The version linted for is `--kube-version` (1.34 by default).",
	Remediation: "Move to the replacement API version named in the message and adapt the fields " +
		"that changed (for Ingress, `backend.serviceName` became `backend.service.name`; for " +
		"`policy/v1` PodDisruptionBudgets an empty selector selects every pod). `kubectl convert` " +
		"helps. Charts that pick the version with `.Capabilities.APIVersions.Has` are rendered for " +
		"the version linted for.\n\n" +
		"```yaml\n" +
		"apiVersion: networking.k8s.io/v1\n" +
		"kind: Ingress\n" +
		"```",
	Tags: []string{"compatibility"},
	Check: func(p *Pass) {
		c, ok := lookupAPIChange(p.Object.APIVersion, p.Object.Kind)
		minor := kubeMinor(p.Env)
		if !ok || c.removed == 0 || minor < c.removed {
			return
		}
		p.Report(render.Path{}.Key("apiVersion"), "%s %s was removed in Kubernetes 1.%d; use %s",
			c.apiVersion, c.kind, c.removed, c.use(minor))
	},
})
