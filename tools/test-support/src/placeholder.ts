/** Where the workspace keeps its test helpers: see the sibling modules. */
export const TEST_SUPPORT = true;
