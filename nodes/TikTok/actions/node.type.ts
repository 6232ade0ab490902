/** The resource/operation pairs of the TikTok node, as a typed map for the router. */
export type TikTokMap = {
	creator: 'getInfo';
	photo: 'publish';
	post: 'getStatus';
	video: 'publish';
};

export type TikTokResource = keyof TikTokMap;
