/**
 * RFC 3161 time-stamping profiled by ETSI EN 319 422.
 *
 * <ul>
 *   <li>{@link com.certyneo.engine.tsp.TsaClient}: the strict client, with ordered failover over
 *       {@link com.certyneo.engine.tsp.TsaEndpoint}s. It returns a
 *       {@link com.certyneo.engine.tsp.TimestampResult}, or throws a
 *       {@link com.certyneo.engine.tsp.TsaException} naming the failed
 *       {@link com.certyneo.engine.tsp.TsaCheck}.</li>
 *   <li>{@link com.certyneo.engine.tsp.TimestampAuthority}: an in-process TSA.
 *       {@link com.certyneo.engine.tsp.TsaHttpServer} serves it over HTTP.</li>
 *   <li>{@link com.certyneo.engine.tsp.TimestampInfo}: what a token claims, with no trust decision.</li>
 * </ul>
 *
 * <p>The client and the authority both implement {@link com.certyneo.engine.spi.TimestampSource}.
 */
package com.certyneo.engine.tsp;
