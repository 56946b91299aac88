// Vant renders a few controls without an accessible name (the uploader's file input, the rate's
// stars); this directive names them: v-aria-names="{ selector, name: (index) => text }".
import type { Directive } from "vue";

export interface AriaNames {
  selector: string;
  name: (index: number) => string;
}

function apply(host: HTMLElement, names: AriaNames) {
  host.querySelectorAll(names.selector).forEach((node, index) => node.setAttribute("aria-label", names.name(index)));
}

export const vAriaNames: Directive<HTMLElement, AriaNames> = {
  mounted: (host, binding) => apply(host, binding.value),
  updated: (host, binding) => apply(host, binding.value),
};
