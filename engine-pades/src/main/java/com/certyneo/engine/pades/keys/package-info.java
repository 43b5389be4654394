/**
 * Where production keys come from: a PKCS#12 file ({@link com.certyneo.engine.pades.keys.Pkcs12Keys}) or a
 * PKCS#11 token through the JDK's SunPKCS11 provider ({@link com.certyneo.engine.pades.keys.Pkcs11Token}).
 * Both hand out {@link com.certyneo.engine.spi.SigningKey}s; a plain JCA key is wrapped with
 * {@link com.certyneo.engine.spi.SigningKey#of}. JDK types only.
 */
package com.certyneo.engine.pades.keys;
