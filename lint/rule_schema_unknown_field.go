package lint

// unknownFieldRule reports fields that the typed struct of a built-in kind
// does not have: a typo (resource: for resources:) or a field under the
// wrong parent (imagePullPolicy in the pod spec). The API server's strict
// field validation, which kubectl and Helm use, rejects them.
var _ = Register(&Rule{
	ID:       "unknown-field",
	Severity: Error,
	Summary:  "Object has a field its kind does not define",
	Rationale: "A field that the kind's schema does not define is a typo or a field under the wrong " +
		"parent. With strict field validation (kubectl's default, and Helm's) the API server rejects " +
		"the object and the deploy fails; without it the field is silently dropped, so the setting " +
		"you wrote (resource limits, a probe, a security setting) never takes effect. Built-in kinds " +
		"are checked against the Kubernetes API types; custom resources are checked by pruned-field.",
	Remediation: "Fix the field's name (the message suggests the closest known field) or move it " +
		"to the mapping where it belongs. Field names are case-sensitive.\n\n" +
		"```yaml\n" +
		"containers:\n" +
		"  - name: web\n" +
		"    image: registry.example.com/web:1.4.2\n" +
		"    resources:          # not resource:\n" +
		"      requests:\n" +
		"        memory: 256Mi\n" +
		"```",
	Tags:  []string{"correctness", "schema"},
	Check: func(p *Pass) { reportSchema(p, unknownField) },
})
