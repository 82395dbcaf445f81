package lint

import "strings"

// gitopsDefaultProject reports Argo CD Applications (and ApplicationSet
// templates) in the default AppProject, or without a project.
var _ = Register(&Rule{
	ID:       "gitops-default-project",
	Severity: Warning,
	Summary:  "Argo CD Application uses the default AppProject",
	Rationale: "The `default` AppProject that Argo CD creates allows any source repository, any " +
		"destination cluster and namespace, and any cluster-scoped resource. An Application in " +
		"it is limited by nothing but the Argo CD controller's own permissions: a change to its " +
		"source, or a compromised repository, can deploy ClusterRoles, webhooks or CRDs to any " +
		"cluster Argo CD manages, and project-level RBAC and sync windows cannot separate teams.",
	Remediation: "Create an AppProject per team or application that lists the allowed " +
		"`sourceRepos`, `destinations` and cluster resources, and set `spec.project` to it.\n\n" +
		"```yaml\n" +
		"apiVersion: argoproj.io/v1alpha1\n" +
		"kind: Application\n" +
		"spec:\n" +
		"  project: payments\n" +
		"```",
	Tags:             []string{"gitops", "security"},
	SecuritySeverity: 4.0,
	Check: func(p *Pass) {
		app, ok := argoAppSpec(p.Object)
		if !ok {
			return
		}
		path := app.Path.Key("project")
		project, _ := scalarString(app.Spec["project"])
		switch project = strings.TrimSpace(project); project {
		case "":
			p.Report(presentPath(p.Object.Raw, path), "project is not set, so the app falls in the default AppProject, which allows any repository and destination; use a restricted AppProject")
		case "default":
			p.Report(path, "project is \"default\", which allows any repository, destination and cluster resource; use a restricted AppProject")
		}
	},
})
