package lint

// gitopsPruneWithoutSelfHeal reports Argo CD Applications (and
// ApplicationSet templates) whose automated sync prunes resources but does
// not heal drift. Opt-in: pruning without self-healing is a deliberate
// choice for some teams. An automated policy with enabled: false is off
// and not reported, nor is a selfHeal given by a template expression.
var _ = Register(&Rule{
	ID:       "gitops-prune-without-self-heal",
	Severity: Note,
	Summary:  "Argo CD automated sync prunes resources but does not self-heal",
	Rationale: "With `prune: true` and without `selfHeal: true`, Argo CD deletes whatever " +
		"disappears from Git automatically, yet leaves manual changes in the cluster in place " +
		"until the next commit to the Application: a hotfix applied with kubectl survives " +
		"unnoticed, the cluster drifts from Git, and the next unrelated sync reverts it at an " +
		"unexpected time. Automation that is destructive but not corrective is the worst mix.",
	Remediation: "Enable `selfHeal` together with `prune`, so that the cluster always converges " +
		"to Git; or turn pruning off and prune by hand after review. Opt-in: enable the rule in " +
		"the configuration.\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  syncPolicy:\n" +
		"    automated:\n" +
		"      prune: true\n" +
		"      selfHeal: true\n" +
		"```",
	Tags:  []string{"gitops", "reliability"},
	OptIn: true,
	Check: func(p *Pass) {
		app, ok := argoAppSpec(p.Object)
		if !ok {
			return
		}
		auto := asMap(rawAt(app.Spec, "syncPolicy", "automated"))
		if auto == nil || !rawTrue(auto["prune"]) || rawTrue(auto["selfHeal"]) {
			return
		}
		if enabled, ok := auto["enabled"].(bool); ok && !enabled {
			return
		}
		if s, _ := auto["selfHeal"].(string); templated(s) {
			return
		}
		p.Report(app.Path.Key("syncPolicy").Key("automated").Key("prune"),
			"automated sync prunes but selfHeal is not true, so drift is never corrected; set selfHeal: true")
	},
})
