package lint

// capabilitiesNotDropped reports containers that keep the runtime's default
// capabilities: securityContext.capabilities.drop does not include ALL (in
// any case). Privileged containers are skipped: they get every capability
// regardless, and privileged-container reports them.
var _ = Register(&Rule{
	ID:       "capabilities-not-dropped",
	Severity: Warning,
	Summary:  "Container does not drop all capabilities",
	Rationale: "Container runtimes grant a default set of Linux capabilities (NET_RAW, CHOWN, " +
		"SETUID, DAC_OVERRIDE, ...) that almost no application needs; NET_RAW alone allows " +
		"ARP and DNS spoofing inside the cluster network. Dropping ALL and adding back only " +
		"what is needed shrinks what a compromised process can do.",
	Remediation: "Drop `ALL` capabilities and add back the few the application needs (binding a " +
		"port below 1024 needs `NET_BIND_SERVICE`). `ALL` is matched in any case (`all`); privileged " +
		"containers and Windows pods are skipped.\n\n" +
		"```yaml\n" +
		"containers:\n" +
		"  - name: web\n" +
		"    securityContext:\n" +
		"      capabilities:\n" +
		"        drop: [ALL]\n" +
		"        add: [NET_BIND_SERVICE]\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 4.0,
	Check: func(p *Pass) {
		for _, c := range unprivileged(linuxContainers(p.Object)) {
			if hasCapability(capabilities(c).Drop, "ALL") {
				continue
			}
			p.ReportContainer(c, securityContextPath(c).Key("capabilities").Key("drop"),
				"securityContext.capabilities.drop does not include ALL; drop ALL and add back only what is needed")
		}
	},
})
