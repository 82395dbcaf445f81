package lint

// missingRequiredFieldRule reports required fields that are missing or
// empty. For built-in kinds it checks a small set that the API server
// always rejects (schema_required.go): a name, containers with a name and
// an image, port numbers, a Deployment's selector, an Ingress path's
// pathType, a Job's restartPolicy, and a few more. For custom resources it
// checks the required fields of their CRD's schema, those with a default
// aside.
var _ = Register(&Rule{
	ID:       "missing-required-field",
	Severity: Error,
	Summary:  "Object lacks a field the API server requires",
	Rationale: "The API server rejects an object without its required fields, so the deploy " +
		"fails. Templates make this easy to miss: a value that is empty in one environment renders " +
		"an empty `image:` or drops a port number, an `apps/v1` Deployment needs its `selector`, a " +
		"`networking.k8s.io/v1` Ingress path needs a `pathType`, and a Job's pods need a " +
		"`restartPolicy` of `OnFailure` or `Never`.",
	Remediation: "Set the field the message names; when a template renders it, make sure every " +
		"values file gives it a value.\n\n" +
		"```yaml\n" +
		"rules:\n" +
		"  - http:\n" +
		"      paths:\n" +
		"        - path: /\n" +
		"          pathType: Prefix\n" +
		"          backend:\n" +
		"            service:\n" +
		"              name: web\n" +
		"              port:\n" +
		"                name: http\n" +
		"```",
	Tags:  []string{"correctness", "schema"},
	Check: func(p *Pass) { reportSchema(p, missingRequired) },
})
