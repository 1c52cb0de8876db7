// Command pulumi-resource-kubernetes serves the Kubernetes provider of
// github.com/pulumi/pulumi-kubernetes at the commit tagged v4.25.0. Upstream's own
// cmd/ cannot be built from the module proxy: it embeds a schema that upstream
// generates at build time (scripts/toolchain.sh copies it in before building).
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", "4.25.0", schema, terraformMapping)
}
