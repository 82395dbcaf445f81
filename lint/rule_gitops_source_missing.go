package lint

// gitopsSourceMissing reports GitOps objects that point at something in this
// repository that is not there: a path, a values file, a ConfigMap.
var _ = Register(&Rule{
	ID:       "gitops-source-missing",
	Severity: Error,
	Summary:  "GitOps object points at a path, values file or ConfigMap that the repository does not have",
	Rationale: "An Argo CD Application or a Flux HelmRelease or Kustomization whose path, values file, " +
		"chart or valuesFrom ConfigMap does not exist in the repository fails to sync (or, with " +
		"optional values, deploys without them) as soon as the change is merged: the release that " +
		"the change meant to ship never reaches the cluster.",
	Remediation: "Fix the path (paths are relative to the repository root; values files of an Application " +
		"to the source path), add the missing file, or mark an optional source as such.\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  source:\n" +
		"    path: charts/web\n" +
		"    helm:\n" +
		"      valueFiles: [values-prod.yaml]\n" +
		"      ignoreMissingValueFiles: true\n" +
		"```",
	Tags: []string{"gitops", "reliability"},
	Check: func(p *Pass) {
		for _, pr := range p.Env.GitOps.problems(p.Object, "gitops-source-missing") {
			p.Report(pr.Path, "%s", pr.Message)
		}
	},
})
