"""Pure rules of the treatment service: state machines and the consent rule."""
