package lint

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// sensitiveWords are name words (see nameWords) that mark a secret value.
var sensitiveWords = map[string]bool{
	"PASSWORD": true, "PASSWD": true, "PASS": true, "PASSPHRASE": true, "SECRET": true,
	"TOKEN": true, "CREDENTIALS": true, "CREDENTIAL": true, "CREDS": true, "APIKEY": true,
	"PRIVATEKEY": true, "SECRETKEY": true, "AUTHTOKEN": true, "ACCESSTOKEN": true,
}

// sensitivePhrases are pairs of consecutive words that mark a secret value.
var sensitivePhrases = map[[2]string]bool{
	{"API", "KEY"}: true, {"API", "KEYS"}: true, {"PRIVATE", "KEY"}: true, {"SIGNING", "KEY"}: true,
	{"ENCRYPTION", "KEY"}: true, {"MASTER", "KEY"}: true, {"AUTH", "KEY"}: true,
	{"ACCOUNT", "KEY"}: true, {"SHARED", "KEY"}: true,
}

// nonSecretSuffixes are last words of names that describe a secret without
// holding it: where it is (PASSWORD_FILE, TOKEN_URL), what it is called
// (SECRET_NAME), or how it behaves (TOKEN_TTL); and file extensions of
// ConfigMap keys (secret.yaml).
var nonSecretSuffixes = map[string]bool{
	"FILE": true, "FILES": true, "PATH": true, "DIR": true, "DIRECTORY": true, "URL": true, "URI": true,
	"ENDPOINT": true, "HOST": true, "HOSTNAME": true, "PORT": true, "NAME": true, "REF": true,
	"ID": true, "TTL": true, "TIMEOUT": true, "EXPIRY": true, "EXPIRE": true, "EXPIRES": true,
	"EXPIRATION": true, "LIFETIME": true, "AGE": true, "DURATION": true, "INTERVAL": true,
	"PERIOD": true, "LENGTH": true, "LEN": true, "SIZE": true, "MIN": true, "MAX": true,
	"COUNT": true, "LIMIT": true, "ENABLED": true, "ENABLE": true, "DISABLED": true,
	"DISABLE": true, "REQUIRED": true, "HEADER": true, "TYPE": true, "FIELD": true,
	"FORMAT": true, "ALGORITHM": true, "ALG": true, "MODE": true, "POLICY": true,
	"PREFIX": true, "SUFFIX": true, "LOCATION": true, "MOUNT": true, "NAMESPACE": true,
	"KIND": true, "ISSUER": true, "AUDIENCE": true, "SCOPE": true, "SCOPES": true,
	"VERSION": true, "PROVIDER": true, "STORE": true, "BACKEND": true, "SOURCE": true,
	"METHOD": true, "LABEL": true, "HASH": true, "ROTATION": true,
	"YAML": true, "YML": true, "JSON": true, "CONF": true, "CFG": true, "INI": true,
	"TOML": true, "PROPERTIES": true, "TXT": true, "XML": true, "ENV": true, "SH": true,
	"TPL": true, "TMPL": true, "TEMPLATE": true, "CRT": true, "CERT": true, "PUB": true,
	"PUBLIC": true, "USER": true, "USERNAME": true,
}

// resourceNameWords are sensitive words that also name Kubernetes objects:
// SECRET: my-db-secret names a Secret rather than holding one.
var resourceNameWords = map[string]bool{"SECRET": true, "TOKEN": true, "CREDENTIALS": true, "CREDENTIAL": true, "CREDS": true}

// nameWords splits an environment variable or configuration key name into
// upper-case words at separators and camelCase boundaries: dbPassword,
// DB_PASSWORD and db.password all give DB PASSWORD; APIKey gives API KEY.
func nameWords(name string) []string {
	var words []string
	var cur []rune
	rs := []rune(name)
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToUpper(string(cur)))
			cur = cur[:0]
		}
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if unicode.IsUpper(r) && len(cur) > 0 {
			prev := cur[len(cur)-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

// sensitiveName reports whether a name looks like it holds a secret, the
// sensitive word found, and whether that word ends the name (DB_PASSWORD,
// not PASSWORD_MAX_AGE_DAYS).
func sensitiveName(name string) (word string, last, ok bool) {
	ws := nameWords(name)
	if len(ws) == 0 || nonSecretSuffixes[ws[len(ws)-1]] {
		return "", false, false
	}
	for i, w := range ws {
		if sensitiveWords[w] {
			return w, i == len(ws)-1, true
		}
		if i+1 < len(ws) && sensitivePhrases[[2]string{w, ws[i+1]}] {
			return w + "_" + ws[i+1], i+1 == len(ws)-1, true
		}
	}
	return "", false, false
}

// quantity matches a number or a duration (3600, 0.5, 30s, 24h).
var quantity = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(ms|s|m|h|d)?$`)

// dns1123 matches a lower-case object name (my-db-secret).
var dns1123 = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// privateKeyPEM matches the header of a PEM private key.
var privateKeyPEM = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----`)

// literalSecret reports why a literal value of a name looks like a secret:
// "pem" for a private key, "url" for a URL with a password, "name" for a
// sensitive name with a value that is not a reference, a flag, a path or
// an object name; "" when it does not.
func literalSecret(name, value string) string {
	v := strings.TrimSpace(value)
	if v == "" || strings.Contains(v, "$(") || strings.Contains(v, "${") || strings.Contains(v, "{{") {
		return ""
	}
	if privateKeyPEM.MatchString(v) {
		return "pem"
	}
	if strings.Contains(v, "\n") {
		return ""
	}
	if u, err := url.Parse(v); err == nil && u.Scheme != "" && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" && !strings.HasPrefix(pw, "$") {
			return "url"
		}
	}
	word, last, ok := sensitiveName(name)
	if !ok {
		return ""
	}
	if !last && quantity.MatchString(v) {
		return "" // a setting about the secret: SECRET_GRACE_PERIOD_RATIO: 0.5
	}
	switch strings.ToLower(v) {
	case "true", "false", "yes", "no", "on", "off", "enabled", "disabled", "none", "null", "~":
		return ""
	}
	if strings.HasPrefix(v, "/") || strings.HasPrefix(v, "file:") {
		return ""
	}
	if resourceNameWords[word] && dns1123.MatchString(v) && strings.ContainsAny(v, "-.") {
		return ""
	}
	if strings.Contains(v, "://") && !strings.Contains(v, "@") {
		return ""
	}
	return "name"
}

// secretInEnv reports container environment variables whose literal value
// looks like a secret: a sensitive name (PASSWORD, SECRET, TOKEN, API_KEY,
// PRIVATE_KEY, CREDENTIALS...) with a value, a URL with a password, or a
// PEM private key. Names that point to a secret (DB_PASSWORD_FILE,
// TOKEN_URL, SECRET_NAME), empty values, references ($(VAR), ${VAR}),
// flags, paths and valueFrom are not reported.
var _ = Register(&Rule{
	ID:       "secret-in-env",
	Severity: Warning,
	Summary:  "Container environment holds a literal secret",
	Rationale: "A secret written as an `env` value lives in the manifest, so in Git, in the Helm " +
		"release history and in every copy of the workload object, and anyone who can read the " +
		"Deployment (far more people than can read Secrets) can read it. It cannot be rotated " +
		"without a new release.",
	Remediation: "Store the value in a Secret (created out of band, or from an external secret " +
		"manager) and reference it with `valueFrom.secretKeyRef`. Variables that name a file, a " +
		"URL without credentials or a Secret (`*_FILE`, `*_PATH`, `*_URL`, `*_NAME`), empty values, " +
		"`$(VAR)` references and `valueFrom` are not reported.\n\n" +
		"```yaml\n" +
		"env:\n" +
		"  - name: DB_PASSWORD\n" +
		"    valueFrom:\n" +
		"      secretKeyRef:\n" +
		"        name: db\n" +
		"        key: password\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 7.0,
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil {
			return
		}
		for _, c := range pt.Containers() {
			for i, e := range c.Env {
				if e.ValueFrom != nil {
					continue
				}
				path := c.Path.Key("env").Index(i).Key("value")
				if e.Name != "" {
					path = c.Path.Key("env").Where("name", e.Name).Key("value")
				}
				switch literalSecret(e.Name, e.Value) {
				case "pem":
					p.ReportContainer(c, path, "env %s holds a private key; move it to a Secret and use valueFrom.secretKeyRef", e.Name)
				case "url":
					p.ReportContainer(c, path, "env %s holds a URL with a password; move it to a Secret and use valueFrom.secretKeyRef", e.Name)
				case "name":
					p.ReportContainer(c, path, "env %s has a literal value that looks like a secret; move it to a Secret and use valueFrom.secretKeyRef", e.Name)
				}
			}
		}
	},
})
