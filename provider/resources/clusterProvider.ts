// States written before 0.2 serialize providers that require this path at run time;
// it stays so those stacks can still refresh, update and destroy.
export * from "../../resources/clusterProvider";
