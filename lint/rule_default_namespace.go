package lint

import (
	"github.com/prodlint/prodlint/render"
)

// clusterScoped reports whether o is a cluster-scoped object: a built-in
// cluster-scoped kind, a kind named Cluster* (ClusterIssuer,
// ClusterSecretStore, ...), or a custom resource whose
// CustomResourceDefinition in objs has scope: Cluster.
func clusterScoped(o *render.Object, objs []*render.Object) bool {
	if render.ClusterScopedKind(o.Kind) {
		return true
	}
	for _, crd := range objs {
		if crd.Kind == "CustomResourceDefinition" && apiGroup(crd.APIVersion) == "apiextensions.k8s.io" &&
			rawString(crd.Raw, "spec", "names", "kind") == o.Kind &&
			rawString(crd.Raw, "spec", "group") == apiGroup(o.APIVersion) &&
			rawString(crd.Raw, "spec", "scope") == "Cluster" {
			return true
		}
	}
	return false
}

// defaultNamespace reports namespaced objects whose metadata.namespace is
// literally "default". Objects without a namespace are not reported: the
// Helm release or kustomize namespace decides where they go; nor are Helm
// objects whose namespace is the release namespace (namespace: {{
// .Release.Namespace }} rendered for a release in "default"): the installer
// chooses it, not the chart.
var _ = Register(&Rule{
	ID:       "default-namespace",
	Severity: Warning,
	Summary:  "Object is placed in the default namespace",
	Rationale: "The `default` namespace is shared by everything that forgets to choose one: " +
		"RBAC, NetworkPolicies, ResourceQuotas and Pod Security admission cannot be scoped to " +
		"the application, names collide, and deleting the application cannot be done by " +
		"deleting its namespace.",
	Remediation: "Remove the hard-coded namespace and let the Helm release (`--namespace`) or " +
		"the kustomization (`namespace:`) set it, or name the application's own namespace. Objects without a namespace, cluster-scoped " +
		"objects and Helm objects whose namespace is the release's (`{{ .Release.Namespace }}`) are not reported.\n\n" +
		"```yaml\n" +
		"# kustomization.yaml\n" +
		"namespace: payments\n" +
		"```",
	Tags: []string{"hygiene"},
	Check: func(p *Pass) {
		if p.Object.InReleaseNamespace || rawString(p.Object.Raw, "metadata", "namespace") != "default" || clusterScoped(p.Object, p.Objects) {
			return
		}
		p.Report(render.Path{}.Key("metadata").Key("namespace"),
			`metadata.namespace is "default"; deploy to the application's own namespace`)
	},
})
