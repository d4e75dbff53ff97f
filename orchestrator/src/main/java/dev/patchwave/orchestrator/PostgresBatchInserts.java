package dev.patchwave.orchestrator;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Has the PostgreSQL driver send a JDBC batch of inserts as multi-row inserts: the events
 * of a batch of results, or the deployments of a new rollout, then cost a few statements
 * instead of one each. Set before the pool opens its first connection; other databases'
 * pools are left as they are.
 */
class PostgresBatchInserts implements BeanPostProcessor {

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null
				&& pool.getJdbcUrl().startsWith("jdbc:postgresql:")) {
			pool.addDataSourceProperty("reWriteBatchedInserts", "true");
		}
		return bean;
	}

}
