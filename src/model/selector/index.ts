/**
 * The Calico selector language: parse, print (canonical), match, build.
 * See docs/selectors.md for the grammar, precedence, canonical form and `global()` semantics.
 */
export type {
  AllNode,
  AndNode,
  GlobalNode,
  HasNode,
  LeafValueKind,
  NotNode,
  OrNode,
  SelectorNode,
  SetNode,
  ValueNode,
} from "./ast.js";
export { compareCodePoints, printNode, quoteValue } from "./ast.js";
export type { Labels } from "./compile.js";
export { SelectorError } from "./error.js";
export { namespaceSelectorMatcher } from "./namespace.js";
export { parseToAst } from "./parser.js";
export { parseSelector, sel, selectorFromAst, type Selector } from "./selector.js";
export { isValidLabelKey, MAX_LABEL_KEY_LENGTH } from "./tokenizer.js";
