{{- define "failer.need" -}}
{{ required "nested.value is required" .Values.nested.value }}
{{- end }}
