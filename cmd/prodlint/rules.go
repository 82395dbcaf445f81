package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/prodlint/prodlint/lint"
)

func rulesCmd(args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return usagef("rules takes no arguments")
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tSEVERITY\tTAGS\tSUMMARY")
	for _, r := range lint.Rules() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, strings.Join(r.Tags, ","), r.Summary)
	}
	return tw.Flush()
}

func explainCmd(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return usagef("explain takes one rule id; run \"prodlint rules\" to list them")
	}
	r, ok := lint.Lookup(args[0])
	if !ok {
		return usagef("unknown rule %q; run \"prodlint rules\" to list them", args[0])
	}
	fmt.Fprintf(stdout, "%s (%s; %s)\n\n%s\n\nWhy: %s\n\nFix:\n%s\n", r.ID, r.Severity, strings.Join(r.Tags, ", "), r.Summary, r.Rationale, r.Remediation)
	return nil
}
