package lint

// prunedFieldRule reports fields of a custom resource that its CRD's
// structural schema does not declare: the API server prunes them silently
// (or rejects them with strict field validation).
var _ = Register(&Rule{
	ID:       "pruned-field",
	Severity: Warning,
	Summary:  "Custom resource has a field its CRD schema does not declare",
	Rationale: "The API server prunes the fields of a custom resource that its CRD's structural " +
		"schema does not declare (unless the schema preserves unknown fields there). The apply " +
		"succeeds, but the field is gone: a typo or a field of another version of the CRD silently " +
		"loses its setting. With strict field validation the apply fails instead. Custom resources " +
		"are only checked when the run renders their CRD; the run's notes name the kinds without one.",
	Remediation: "Fix the field's name (the message suggests the closest declared field), move it " +
		"where the schema declares it, or upgrade the CRD if the field is new.\n\n" +
		"```yaml\n" +
		"apiVersion: cert-manager.io/v1\n" +
		"kind: Certificate\n" +
		"spec:\n" +
		"  dnsNames:          # not dnsName:\n" +
		"    - example.com\n" +
		"```",
	Tags:  []string{"correctness", "schema"},
	Check: func(p *Pass) { reportSchema(p, prunedField) },
})
