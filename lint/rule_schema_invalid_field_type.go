package lint

// invalidFieldTypeRule reports values of the wrong JSON type: a string
// where the schema wants an integer (replicas: "2", containerPort: http), a
// number where it wants a string (an env value or an annotation), a mapping
// where it wants a list. The API server cannot decode such an object and
// rejects it.
var _ = Register(&Rule{
	ID:       "invalid-field-type",
	Severity: Error,
	Summary:  "Field holds a value of the wrong type",
	Rationale: "The API server decodes every object into its schema's types. A quoted number for an " +
		"integer field, a bare number or boolean for a string field (an env value, a label, an " +
		"annotation such as `prometheus.io/port: 8080`), or a mapping where a list belongs makes " +
		"the decoding fail, and the API server rejects the object: the deploy fails, often only in " +
		"the environment whose values produce the bad type. Built-in kinds are checked against the " +
		"Kubernetes API types, custom resources against their CRD's schema.",
	Remediation: "Write the value with the type the field takes: quote strings that look like " +
		"numbers or booleans, leave integers unquoted (in Helm templates, `quote` and `toYaml` " +
		"decide the type).\n\n" +
		"```yaml\n" +
		"replicas: 2\n" +
		"template:\n" +
		"  metadata:\n" +
		"    annotations:\n" +
		"      prometheus.io/port: \"8080\"\n" +
		"  spec:\n" +
		"    containers:\n" +
		"      - name: web\n" +
		"        env:\n" +
		"          - name: WORKERS\n" +
		"            value: \"4\"\n" +
		"```",
	Tags:  []string{"correctness", "schema"},
	Check: func(p *Pass) { reportSchema(p, invalidType) },
})
