package dev.patchwave.common.rollout;

/** What a rollout does when a wave's failures pass its threshold. */
public enum HaltPolicy {

	/** Halt and wait for a person: resume, retry, roll back or abort. */
	PAUSE,
	/** Halt and roll back the targets of the wave that breached. */
	ROLLBACK_WAVE,
	/** Halt and roll back every target the rollout installed. */
	ROLLBACK_ALL

}
