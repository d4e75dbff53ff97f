package dev.patchwave.common.rollout;

/** How a rollout moves from one finished wave to the next. */
public enum AdvanceMode {

	/** The next wave starts by itself once the finished wave has baked. */
	AUTO,

	/** After baking, the finished wave waits until an operator advances the rollout. */
	MANUAL

}
