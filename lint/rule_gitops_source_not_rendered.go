package lint

// gitopsSourceNotRendered notes GitOps objects whose deployment prodlint
// could not render: a chart from a Helm repository or an OCI registry, a
// path in another Git repository.
var _ = Register(&Rule{
	ID:       "gitops-source-not-rendered",
	Severity: Note,
	Summary:  "GitOps object deploys a source that prodlint does not render",
	Rationale: "prodlint renders what an Argo CD Application or a Flux HelmRelease or Kustomization deploys " +
		"only when it is in this repository: it never fetches charts from Helm repositories or OCI " +
		"registries, nor other Git repositories. What such an object deploys is not linted; the object " +
		"itself still is. The note says so, so that a clean result is not mistaken for a checked release.",
	Remediation: "Nothing to fix in the object. To lint what it deploys, lint the chart's own repository, " +
		"or, when the source is this repository under another URL, declare the URL:\n\n" +
		"```yaml\n" +
		"# .prodlint.yaml\n" +
		"gitops:\n" +
		"  repoURLs:\n" +
		"    - https://github.com/acme/platform.git\n" +
		"```",
	Tags: []string{"gitops"},
	Check: func(p *Pass) {
		for _, pr := range p.Env.GitOps.problems(p.Object, "gitops-source-not-rendered") {
			p.Report(pr.Path, "%s", pr.Message)
		}
	},
})
