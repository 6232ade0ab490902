/** The resource/operation pairs of the TikTok node, as a typed map for the router. */
export type TikTokMap = {
	creator: 'getInfo' | 'getProfile';
	photo: 'publish';
	post: 'cancel' | 'getStatus';
	video: 'get' | 'getMany' | 'publish';
};

export type TikTokResource = keyof TikTokMap;
