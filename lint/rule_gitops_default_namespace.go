package lint

import "github.com/prodlint/prodlint/render"

// gitopsDefaultNamespace reports GitOps objects that deploy into the
// default namespace: an Argo CD Application (or ApplicationSet template)
// whose destination namespace is default, a Flux HelmRelease or
// Kustomization whose targetNamespace is default (or a HelmRelease in
// default without one).
var _ = Register(&Rule{
	ID:       "gitops-default-namespace",
	Severity: Warning,
	Summary:  "GitOps object deploys into the default namespace",
	Rationale: "What a GitOps object deploys into `default` shares the namespace that everything lands in " +
		"when nobody chooses one: its RBAC, quotas, NetworkPolicies and Pod Security level are those of " +
		"every stray object, and deleting or restricting the application means touching all of them. " +
		"The manifests themselves may set no namespace (the GitOps tool decides it), so the namespace " +
		"rules on objects cannot see it; the GitOps object is where it is chosen.",
	Remediation: "Deploy each application into its own namespace, created with it (`CreateNamespace=true` " +
		"for Argo CD, a Namespace object or `install.createNamespace` for Flux).\n\n" +
		"```yaml\n" +
		"apiVersion: argoproj.io/v1alpha1\n" +
		"kind: Application\n" +
		"spec:\n" +
		"  destination:\n" +
		"    name: prod-eu\n" +
		"    namespace: payments\n" +
		"  syncPolicy:\n" +
		"    syncOptions: [CreateNamespace=true]\n" +
		"```",
	Tags: []string{"gitops", "hygiene"},
	Check: func(p *Pass) {
		o := p.Object
		if app, ok := argoAppSpec(o); ok {
			if rawString(app.Spec, "destination", "namespace") == "default" {
				p.Report(app.Path.Key("destination").Key("namespace"), `destination.namespace is "default"; deploy the application into its own namespace`)
			}
			return
		}
		if !isFlux(o, fluxHelmGroup, "HelmRelease") && !isFlux(o, fluxKustomizeGroup, "Kustomization") {
			return
		}
		switch ns := rawString(o.Raw, "spec", "targetNamespace"); {
		case ns == "default":
			p.Report(render.MustPath("spec.targetNamespace"), `targetNamespace is "default"; deploy the release into its own namespace`)
		case ns == "" && o.Kind == "HelmRelease" && rawString(o.Raw, "metadata", "namespace") == "default":
			p.Report(render.MustPath("metadata.namespace"), `the HelmRelease is in "default" and has no targetNamespace, so it installs there; set the release's own namespace`)
		}
	},
})
