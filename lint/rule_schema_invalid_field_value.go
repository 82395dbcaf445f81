package lint

// invalidFieldValueRule reports values of the right type that the schema
// rejects: a malformed quantity (memory: 1.5 Gi), text that is not base64
// in a Secret's data, an integer out of range, the restartPolicy Always in a
// Job, and for custom resources the enum, pattern and bound constraints of
// their CRD's schema.
var _ = Register(&Rule{
	ID:       "invalid-field-value",
	Severity: Error,
	Summary:  "Field holds a value the schema rejects",
	Rationale: "Some values have the right type but a form the API server refuses: a resource " +
		"quantity with a space or an unknown suffix, a Secret's `data` entry that is not base64, " +
		"a number too large for its field, a Job whose pods would restart `Always`, or a custom " +
		"resource value outside the enum, pattern or bounds of its CRD's schema. The API server " +
		"rejects the object, so the deploy fails.",
	Remediation: "Write the value in the form the field takes; for custom resources, the CRD's " +
		"schema lists the allowed values. Put plain text in a Secret's `stringData`, not `data`.\n\n" +
		"```yaml\n" +
		"resources:\n" +
		"  limits:\n" +
		"    memory: 1536Mi   # not 1.5 Gi\n" +
		"```",
	Tags:  []string{"correctness", "schema"},
	Check: func(p *Pass) { reportSchema(p, invalidValue) },
})
