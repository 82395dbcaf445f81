package lint

// writableRootFilesystem reports containers whose root filesystem is
// writable: readOnlyRootFilesystem is unset or false.
var _ = Register(&Rule{
	ID:       "writable-root-filesystem",
	Severity: Warning,
	Summary:  "Container root filesystem is writable",
	Rationale: "A writable root filesystem lets an attacker who gets code execution drop tools, " +
		"modify binaries or persist in the container, and lets the application itself drift " +
		"from the image that was reviewed and scanned. Writes to the container layer are also " +
		"slow and count against the node's disk.",
	Remediation: "Set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` on " +
		"each path the application must write to (`/tmp`, caches). The field exists only on containers. " +
		"Windows pods are skipped.\n\n" +
		"```yaml\n" +
		"containers:\n" +
		"  - name: web\n" +
		"    securityContext:\n" +
		"      readOnlyRootFilesystem: true\n" +
		"    volumeMounts:\n" +
		"      - name: tmp\n" +
		"        mountPath: /tmp\n" +
		"volumes:\n" +
		"  - name: tmp\n" +
		"    emptyDir: {}\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 4.0,
	Check: func(p *Pass) {
		for _, c := range linuxContainers(p.Object) {
			path := securityContextPath(c).Key("readOnlyRootFilesystem")
			switch {
			case c.SecurityContext == nil || c.SecurityContext.ReadOnlyRootFilesystem == nil:
				p.ReportContainer(c, path, "securityContext.readOnlyRootFilesystem is not set; set it to true")
			case !*c.SecurityContext.ReadOnlyRootFilesystem:
				p.ReportContainer(c, path, "securityContext.readOnlyRootFilesystem is false; set it to true")
			}
		}
	},
})
