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

/**
 * Vant's dialog names itself with `aria-labelledby` set to its title's text rather than an id, so
 * screen readers find no name. Each dialog that appears gets that text as its `aria-label`.
 */
export function nameVantDialogs(root: HTMLElement = document.body) {
  const fix = () =>
    root.querySelectorAll<HTMLElement>(".van-dialog[aria-labelledby]").forEach((dialog) => {
      const text = dialog.getAttribute("aria-labelledby") ?? "";
      if (!document.getElementById(text)) {
        dialog.removeAttribute("aria-labelledby");
        dialog.setAttribute("aria-label", text);
      }
    });
  new MutationObserver(fix).observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["aria-labelledby"] });
}
