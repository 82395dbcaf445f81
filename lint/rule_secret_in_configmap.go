package lint

import (
	"sort"

	"github.com/prodlint/prodlint/render"
)

// secretInConfigMap reports ConfigMap data entries whose value looks like
// a secret: a sensitive key (see secret-in-env) with a single-line value, a
// URL with a password, or a PEM private key in any value. File-like keys
// (secret.yaml) and multi-line values are only checked for private keys.
var _ = Register(&Rule{
	ID:       "secret-in-configmap",
	Severity: Warning,
	Summary:  "ConfigMap holds a literal secret",
	Rationale: "ConfigMaps are not meant for secrets: they are readable by every role that reads " +
		"configuration (the built-in `view` ClusterRole included), shown in full by `kubectl " +
		"describe`, never encrypted at rest by the API server's Secret encryption, and usually " +
		"committed to Git with the rest of the manifests.",
	Remediation: "Move the value to a Secret (created out of band, or from an external secret " +
		"manager) and mount or reference that instead. Keys that name a file, a URL without " +
		"credentials or a Secret (`*_FILE`, `*_PATH`, `*_URL`, `*_NAME`) and empty values are not " +
		"reported.\n\n" +
		"```yaml\n" +
		"apiVersion: v1\n" +
		"kind: Secret\n" +
		"metadata:\n" +
		"  name: app\n" +
		"type: Opaque\n" +
		"stringData:\n" +
		"  DB_PASSWORD: ...\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 6.0,
	Check: func(p *Pass) {
		if p.Object.Kind != "ConfigMap" || p.Object.APIVersion != "v1" {
			return
		}
		data := stringMap(p.Object.Raw["data"])
		keys := make([]string, 0, len(data))
		for k := range data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			path := render.Path{}.Key("data").Key(k)
			switch literalSecret(k, data[k]) {
			case "pem":
				p.Report(path, "data key %s holds a private key; move it to a Secret", k)
			case "url":
				p.Report(path, "data key %s holds a URL with a password; move it to a Secret", k)
			case "name":
				p.Report(path, "data key %s has a value that looks like a secret; move it to a Secret", k)
			}
		}
	},
})
