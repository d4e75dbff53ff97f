package dev.patchwave.common.connector;

/**
 * What a deployment system can do.
 *
 * @param batching whether one submission installs on many targets at once (one AWX job
 * for many hosts)
 * @param rollback whether it can take a patch off again
 * @param maxBatchSize the most targets per {@link Connector#installBatch} call
 */
public record ConnectorCapabilities(boolean batching, boolean rollback, int maxBatchSize) {

	public ConnectorCapabilities {
		if (maxBatchSize < 1) {
			throw new IllegalArgumentException("maxBatchSize must be at least 1");
		}
	}

	/**
	 * One target per call, with rollback: what a connector that reaches each host by
	 * itself offers.
	 */
	public static ConnectorCapabilities perTarget() {
		return new ConnectorCapabilities(false, true, 1);
	}

}
